// A student does a lab in the browser alone: starts a library lab from the page, reads its
// handout with the lab's own addresses (those the API reports), opens the attacker's terminal
// from the handout's link and runs a command there, and checks their work beside the task. A
// handout full of HTML, scripts and javascript: links renders inert; a topology without a
// handout says so. Real service, real engine, Debian's chromium.
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../orchestrator/src/classroom/bootstrap.ts";
import { downLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../../orchestrator/src/labs/status.ts";
import { TOPOLOGIES_DIR } from "../../orchestrator/src/paths.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { buildDashboard, launchBrowser } from "../../support/browser.ts";
import { testEngine } from "../integration/engine.ts";
import { bearer } from "../support/api.ts";
import { ARTIFACTS, cspViolations, screenshot, signIn, terminalOn, watchCsp } from "./browser.ts";
import { diagramLabels, overlappingLabels } from "./diagram-labels.ts";

const run = randomBytes(2).toString("hex");
const prefix = `it-h${run}`;
const names = { arp: `${prefix}-arp`, evil: `${prefix}-evil`, bare: `${prefix}-bare` };

const ONE_NODE = (name: string) =>
  `name: ${name}\nnetworks:\n  lan: { subnet: 10.10.0.0/24 }\nnodes:\n  solo: { networks: { lan: .10 } }\n`;

/** Everything a handout could try in order to run a script in the student's browser. */
const EVIL = `# Evil

<script>window.pwned = "script"</script>
<img src="x" onerror="window.pwned = 'img'">
<iframe src="javascript:window.pwned='iframe'"></iframe>
<a href="javascript:window.pwned='html-link'">html link</a>

[a javascript link](javascript:window.pwned='md-link')
[a data link](data:text/html,<script>window.pwned='data'</script>)
![an image](javascript:window.pwned='md-image')
[a vbscript link](vbscript:msgbox)
<svg onload="window.pwned='svg'"></svg>
[a web link](http://127.0.0.1:9/away)
![a tracking image](http://127.0.0.1:9/pixel.png)

\`\`\`
dig @resolver www.example.com
\`\`\`
`;

let app: App;
let engine: Engine;
let browser: Browser;
let base = "";
let student = "";
/** The student's library lab, shared by the tests after the first. */
let arpLab = "";
const dirs: string[] = [];

beforeAll(async () => {
  const dashboardDir = await buildDashboard();
  dirs.push(dashboardDir);
  process.env.SOCKETLAB_DASHBOARD_DIR = dashboardDir;
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-e2e-handout-"));
  dirs.push(libraryDir);
  // A library lab under a name of this run's own (its labs' ids start with it-).
  await mkdir(join(libraryDir, names.arp));
  const yaml = await readFile(join(TOPOLOGIES_DIR, "arp-poisoning", "topology.yaml"), "utf8");
  await writeFile(
    join(libraryDir, names.arp, "topology.yaml"),
    yaml.replace(/^name: arp-poisoning$/m, `name: ${names.arp}`),
  );
  await copyFile(
    join(TOPOLOGIES_DIR, "arp-poisoning", "README.md"),
    join(libraryDir, names.arp, "README.md"),
  );
  for (const name of [names.evil, names.bare]) {
    await mkdir(join(libraryDir, name));
    await writeFile(join(libraryDir, name, "topology.yaml"), ONE_NODE(name));
  }
  await writeFile(join(libraryDir, names.evil, "README.md"), EVIL);

  engine = await testEngine();
  app = await buildApp({ engine, dataDir: ":memory:", libraryDir, logger: { level: "warn" } });
  const instructor = ensureInstructor(app.db) as string;
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const created = await app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(instructor),
    payload: { name: `Class ${prefix}`, students: [{ name: "Sam Student", id: `sam-${run}` }] },
  });
  student = (created.json() as { students: { token: string }[] }).students[0]?.token as string;
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (engine) {
    const labs = (await listLabs(engine)).filter((lab) => lab.topology.startsWith(prefix));
    await Promise.all(labs.map((lab) => downLab(engine, lab.lab)));
  }
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function apiGet<T>(path: string): Promise<T> {
  const response = await fetch(`${base}${path}`, { headers: bearer(student) });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function startFromPage(page: Page, topology: string): Promise<string> {
  await page.getByLabel("Start a lab").selectOption(topology);
  await page.getByRole("button", { name: "Start", exact: true }).click();
  const heading = page.getByRole("heading", { name: /^Lab / });
  await heading.waitFor({ timeout: 240_000 });
  return decodeURIComponent(new URL(page.url()).pathname.split("/").at(-1) as string);
}

describe("a student does a library lab in the browser", () => {
  it("starts it, reads the handout with their addresses, opens the attacker's terminal from it, and checks their work", async () => {
    const { context, page } = await signIn({ browser, base }, student);
    const lab = await startFromPage(page, names.arp);
    arpLab = lab;
    const handout = page.getByRole("region", { name: "Handout" });
    await handout.getByRole("heading", { name: "The ARP poisoning lab" }).waitFor();

    const status = await apiGet<{
      networks: { name: string; subnet: string }[];
      nodes: { name: string; addresses: Record<string, string> }[];
    }>(`/api/labs/${lab}`);
    const subnet = status.networks.find((n) => n.name === "lan")?.subnet as string;
    const mallory = status.nodes.find((n) => n.name === "mallory")?.addresses.lan as string;
    const alice = status.nodes.find((n) => n.name === "alice")?.addresses.lan as string;
    expect(subnet).not.toBe("10.70.0.0/24");
    // The table at the top, and the handout's addresses, are the lab's own.
    const table = handout.getByRole("row").filter({ hasText: "10.70.0.0/24" });
    await expect.poll(() => table.textContent()).toContain(subnet);
    const text = (await handout.textContent()) ?? "";
    expect(text).toContain(mallory);
    expect(text).toContain(alice);
    expect(text.replaceAll("10.70.0.0/24", "")).not.toMatch(/10\.70\.0\.\d/);

    await handout.getByRole("button", { name: "Open a terminal on mallory" }).first().click();
    const { pane, rows } = terminalOn(page, lab, "mallory");
    await pane.click();
    await page.keyboard.type(
      "ip -4 -br addr show eth0 | tr -s ' ' | cut -d' ' -f3; echo done-$((40+2))\n",
    );
    await rows.filter({ hasText: "done-42" }).waitFor({ timeout: 60_000 });
    expect(await rows.textContent()).toContain(`${mallory}/24`);
    // The page as a student sees it on a laptop: handout, diagram and terminal (README's picture).
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(ARTIFACTS, "lab-page.png") });

    // The running lab's diagram: every label at 11 px or more, none overlapping.
    const labels = await diagramLabels(page);
    expect(labels.length).toBe(2 * 3 + 2 + 3);
    expect(labels.filter((l) => l.px < 11)).toEqual([]);
    expect(overlappingLabels(labels)).toEqual([]);
    // The split between handout and lab moves with the keyboard.
    const splitter = page.getByRole("separator", { name: "Resize Handout and Lab" });
    const before = Number(await splitter.getAttribute("aria-valuenow"));
    await splitter.focus();
    await page.keyboard.press("ArrowRight");
    expect(Number(await splitter.getAttribute("aria-valuenow"))).toBe(before + 5);

    // The diagram opens a node's terminal from the keyboard too.
    await page.locator('svg.diagram [aria-label="alice, running: open a terminal"]').focus();
    await page.keyboard.press("Enter");
    await terminalOn(page, lab, "alice").pane.waitFor();

    const task = handout.locator('li[data-task="2"]');
    await expect
      .poll(() => task.locator('[data-check="alice-poisoned"]').textContent())
      .toMatch(/alice-poisoned: (not run|failed)/);
    await task.getByRole("button", { name: "Check my work on task 2" }).click();
    await expect
      .poll(() => task.locator('[data-check="alice-poisoned"]').textContent(), { timeout: 60_000 })
      .toBe("alice-poisoned: failed");
    await expect.poll(() => task.locator('[data-check="captured"]').count()).toBe(0);
    await expect.poll(() => task.textContent()).toMatch(/last checked \d/);
    // The last run is kept: a page opened later shows it without running the checks again.
    await page.reload();
    const again = page.getByRole("region", { name: "Handout" }).locator('li[data-task="2"]');
    await expect
      .poll(() => again.locator('[data-check="alice-poisoned"]').textContent(), { timeout: 30_000 })
      .toBe("alice-poisoned: failed");
    await expect.poll(() => again.textContent()).toMatch(/last checked \d/);
    // The API's own result for that check says the same.
    const results = await apiGet<{ id: string; passed: boolean }[]>(`/api/labs/${lab}/checks`);
    expect(results.find((r) => r.id === "alice-poisoned")?.passed).toBe(false);
    await screenshot(page, "lab-handout");
    await context.close();
  });

  it("renders a handout's HTML, scripts and javascript: links inert", async () => {
    const { context, page } = await signIn({ browser, base }, student);
    const lab = await startFromPage(page, names.evil);
    const handout = page.getByRole("region", { name: "Handout" });
    await handout.getByRole("heading", { name: "Evil" }).waitFor();
    // Raw HTML is shown as text, never parsed.
    expect(await handout.textContent()).toContain('<script>window.pwned = "script"</script>');
    const dangerous = await handout
      .locator(
        "script, iframe, svg, img[src], [onerror], [onload], a[href^='javascript'], a[href^='data'], a[href^='vbscript']",
      )
      .count();
    expect(dangerous).toBe(0);
    // A web link opens apart and tells the other site nothing; another site's image never loads.
    const web = handout.getByRole("link", { name: "a web link" });
    expect(await web.getAttribute("target")).toBe("_blank");
    expect(await web.getAttribute("rel")).toBe("noopener noreferrer");
    for (const link of await handout.locator(".handout-body a").all()) await link.click();
    // A code block's copy button puts its text on the clipboard.
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await handout.getByRole("button", { name: "Copy this code" }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      "dig @resolver www.example.com\n",
    );
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { pwned?: string }).pwned)).toBe(
      undefined,
    );
    expect(new URL(page.url()).pathname).toBe(`/labs/${lab}`);
    await context.close();
  });

  it("says so when a topology has no handout; the student stops, resumes and deletes the lab", async () => {
    const { context, page } = await signIn({ browser, base }, student);
    const lab = await startFromPage(page, names.bare);
    await page
      .getByRole("region", { name: "Handout" })
      .getByText(`The topology ${names.bare} has no handout.`)
      .waitFor();
    // The time left is shown; a student extends only a lab that is expiring (this one is not).
    await expect
      .poll(() => page.locator(".time-left").textContent())
      .toMatch(/^\d+ h \d{2} min left$/);
    expect(await page.getByRole("button", { name: "Extend" }).isHidden()).toBe(true);
    const badge = page.getByRole("heading", { name: /^Lab / }).locator(".badge");

    await page.getByRole("button", { name: "Stop…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe("stopped");
    await page.getByRole("button", { name: "Resume" }).click();
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe("running");

    await page.getByRole("button", { name: "Delete lab…" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByRole("heading", { name: "My labs" }).waitFor({ timeout: 60_000 });
    const gone = await fetch(`${base}/api/labs/${lab}`, { headers: bearer(student) });
    expect(gone.status).toBe(404);
    await context.close();
  });

  // Retried: in about one run of three the paste does not reach the shell (not yet understood;
  // see the closing note of issue 15), and a lost paste must not hide the rest of the suite.
  it("pastes, finds and copies with the keyboard, and turns the screen reader mode on", async () => {
    const { context, page } = await signIn({ browser, base }, student);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    await page.goto(`${base}/labs/${arpLab}`);
    await page.getByRole("button", { name: "Open a terminal on alice" }).first().click();
    const { pane, rows } = terminalOn(page, arpLab, "alice");
    await page.evaluate(() => navigator.clipboard.writeText("echo pasted-$((6*7))"));
    // The shell's prompt first: a paste before the terminal is connected has nowhere to go. Bash
    // then takes a paste as such (bracketed): it runs once Enter is pressed, as for a person.
    await rows.filter({ hasText: "@alice" }).first().waitFor({ timeout: 60_000 });
    await pane.click();
    await page.keyboard.press("Control+Shift+V");
    await rows.filter({ hasText: "echo pasted-$((6*7))" }).waitFor({ timeout: 30_000 });
    await page.keyboard.press("Enter");
    await rows.filter({ hasText: "pasted-42" }).waitFor({ timeout: 60_000 });
    // Find (Ctrl+Shift+F) selects a match in the scrollback; Ctrl+Shift+C copies the selection.
    await page.keyboard.press("Control+Shift+F");
    const find = page.getByRole("searchbox", { name: `Find in the terminal on ${arpLab}/alice` });
    await find.fill("pasted-4");
    await find.press("Enter");
    await find.press("Escape");
    await page.keyboard.press("Control+Shift+C");
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe("pasted-4");
    const reader = page.getByRole("button", { name: "Screen reader" });
    await reader.click();
    expect(await reader.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => pane.locator(".xterm-accessibility").count()).toBeGreaterThan(0);
    await context.close();
  });

  it("works on a phone: the handout and the lab are tabs, and on-screen keys reach the shell", async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error(`browser: ${error.message}`));
    watchCsp(page);
    await page.goto(`${base}/#token=${encodeURIComponent(student)}`);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.goto(`${base}/labs/${arpLab}`);
    const handout = page.getByRole("region", { name: "Handout" });
    await handout.getByRole("heading", { name: "The ARP poisoning lab" }).waitFor();
    // One pane at a time: the handout now, the lab's diagram and terminals behind its tab.
    expect(await page.locator("svg.diagram").isVisible()).toBe(false);
    await handout.getByRole("button", { name: "Open a terminal on bob" }).first().click();
    const { pane, rows } = terminalOn(page, arpLab, "bob");
    await pane.waitFor();
    expect(await handout.isVisible()).toBe(false);
    await pane.click();
    await page.keyboard.type("sleep 600\n");
    const keys = page.getByRole("toolbar", { name: `Keys for the terminal on ${arpLab}/bob` });
    await keys.getByRole("button", { name: "Ctrl, for the next key" }).click();
    await page.keyboard.type("c");
    // The shell is back (the ^C shown) before the next line is typed: keys typed while sleep
    // still runs can be lost with the interrupt.
    await rows.filter({ hasText: "^C" }).waitFor({ timeout: 30_000 });
    await page.keyboard.type("ech");
    await keys.getByRole("button", { name: "Tab" }).click();
    await page.keyboard.type(" tab-$((2+3))\n");
    await rows.filter({ hasText: "tab-5" }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, "phone-lab.png") });
    await context.close();
  });

  it("ran every page without a refusal of the Content Security Policy", () => {
    expect(cspViolations).toEqual([]);
  });
});
