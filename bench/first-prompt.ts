// Benchmark: how long a student waits from clicking Start on a lab's page to a usable prompt in
// its first terminal (headless Chromium against `socketlab serve`), beside `socketlab up` of the
// same topology on the same engine in the same run. It prints figures, never pass or fail; the
// goal is the up time plus 1 s at most.
//
//   node bench/first-prompt.ts [--runs N]
//
// The browser's time runs from the click on Start to the output of the first command typed into
// the terminal of the lab's first node, opened as soon as the lab's page shows (the keys are
// typed at once: the page sends them when the shell is ready). `up` is a child process, timed
// from spawn to exit. Runs alternate after one untimed warm-up of each; tear-downs are not timed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { buildDashboard, launchBrowser } from "../tests/e2e/browser.ts";
import {
  interruptible,
  machine,
  pairRow,
  ROOT,
  reportPair,
  run,
  runsOption,
  timed,
} from "./run.ts";
import { freePort, Service } from "./service.ts";

const SOURCE = "bench/labs/six-nodes.yaml";
const TOPOLOGY = "bench-prompt";
const UP_LAB = "bench-prompt-up";
const STUDENT = "bench-student";

const runs = runsOption("node bench/first-prompt.ts");
const stop = interruptible();

const workDir = await mkdtemp(join(tmpdir(), "socketlab-bench-prompt-"));
const libraryDir = join(workDir, "library");
await mkdir(join(libraryDir, TOPOLOGY), { recursive: true });
const topologyFile = join(libraryDir, TOPOLOGY, "topology.yaml");
const yaml = await readFile(join(ROOT, SOURCE), "utf8");
await writeFile(topologyFile, yaml.replace(/^name: six-nodes$/m, `name: ${TOPOLOGY}`));
const firstNode = /^nodes:\n {2}([a-z0-9-]+):/m.exec(yaml)?.[1] as string;

const dashboardDir = await buildDashboard();
process.env.SOCKETLAB_DASHBOARD_DIR = dashboardDir;
const service = new Service({
  port: await freePort(),
  dataDir: join(workDir, "data"),
  libraryDir,
  signal: stop,
});
let browser: Browser | null = null;
let studentLab = "";
const downBoth = () =>
  Promise.allSettled([
    run("./socketlab", ["down", UP_LAB]),
    ...(studentLab ? [run("./socketlab", ["down", studentLab])] : []),
  ]);

/** Seconds from the click on Start to the first command's output in the first terminal. */
async function browserRun(token: string): Promise<number> {
  const context = await (browser as Browser).newContext({ viewport: { width: 1366, height: 768 } });
  try {
    const page = await context.newPage();
    await page.goto(`${service.url}/#token=${encodeURIComponent(token)}`);
    await page.getByLabel("Start a lab").selectOption(TOPOLOGY);
    const start = performance.now();
    await page.getByRole("button", { name: "Start", exact: true }).click();
    await page.getByRole("heading", { name: /^Lab / }).waitFor({ timeout: 300_000 });
    studentLab = decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1) as string);
    await page
      .getByRole("button", { name: `Open a terminal on ${firstNode}` })
      .first()
      .click();
    const pane = page.locator(`[aria-label="Terminal on ${studentLab}/${firstNode}"]`);
    await pane.click();
    await page.keyboard.type("echo prompt-$((6*7))\n");
    await pane
      .locator(".xterm-rows")
      .filter({ hasText: "prompt-42" })
      .waitFor({ timeout: 300_000 });
    return (performance.now() - start) / 1000;
  } finally {
    await context.close();
  }
}

const times = { browser: [] as number[], up: [] as number[] };
try {
  await service.ready();
  const made = await service.json<{ students: { token: string }[] }>("POST", "/api/classes", {
    name: "benchmark first prompt",
    students: [{ name: "Bench Student", id: STUDENT }],
  });
  const token = made.students[0]?.token as string;
  browser = await launchBrowser();
  await downBoth(); // what an interrupted earlier run may have left
  console.log(`${SOURCE}: ${runs} runs each, alternating, after one warm-up (seconds)`);
  pairRow("run", "browser", "up");
  for (let i = 0; i <= runs; i++) {
    const inBrowser = await browserRun(token);
    await service.call("DELETE", `/api/labs/${studentLab}`);
    const up = await timed("./socketlab", ["up", topologyFile, "--lab", UP_LAB], stop);
    await run("./socketlab", ["down", UP_LAB], stop);
    pairRow(i === 0 ? "warm-up" : String(i), inBrowser.toFixed(2), up.toFixed(2));
    if (i === 0) continue;
    times.browser.push(inBrowser);
    times.up.push(up);
  }
} catch (error) {
  if (!stop.aborted) throw error;
} finally {
  await browser?.close();
  await service.stop();
  const failed = (await downBoth()).filter((r) => r.status === "rejected");
  for (const r of failed) process.stderr.write(`clean-up failed: ${r.reason}\n`);
  await rm(workDir, { recursive: true, force: true });
  await rm(dashboardDir, { recursive: true, force: true });
}
if (stop.aborted) process.exit(130);

await reportPair({
  name: "first-prompt",
  keys: ["browser", "up"],
  times,
  topology: SOURCE,
  runs,
  note: "browser: Start clicked to the first command's output in the first terminal (the service brings the lab up, the page opens, the terminal connects); up: socketlab up to exit. Goal: browser <= up + 1 s.",
  machine: machine({}),
});
