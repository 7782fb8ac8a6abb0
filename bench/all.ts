// Every benchmark in turn, then one table of their figures. It prints figures, never pass or fail.
//
//   node bench/all.ts [--runs 5] [--students 10] [--labs 3] [--terminals 6] [--scale 10]
//                                                                                (npm run bench:all)
//
// The defaults make a quick run; the figures are `--students 30 --labs 30 --terminals 50`
// (roster of 30 labs; footprint and terminal echo with 30 labs and 50 terminals), and
// `--scale 150` (labs brought up one after another, then listed).
//
// Each benchmark runs as its own process, as when run alone (its output goes to stderr here), and
// writes its result file; this reads those files back, prints the table and writes it, with the
// paths of the files it came from, to bench/results/all-<time>.json.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { interruptible, machine, ROOT, writeResult } from "./run.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    students: { type: "string", default: "10" },
    labs: { type: "string", default: "3" },
    terminals: { type: "string", default: "6" },
    scale: { type: "string", default: "10" },
  },
});
const counts = [values.runs, values.students, values.labs, values.terminals, values.scale];
if (!counts.every((n) => Number.isInteger(Number(n)) && Number(n) >= 1)) {
  process.stderr.write(
    "usage: node bench/all.ts [--runs N] [--students N] [--labs N] [--terminals N] [--scale N], N >= 1\n",
  );
  process.exit(2);
}
const stop = interruptible();

/**
 * Runs bench/NAME.ts with `args`, its output shown on stderr; returns its result file. A signal
 * reaches the child too (SIGTERM from here, or the terminal's SIGINT): it cleans up and exits.
 */
function bench(name: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench", `${name}.ts`), ...args], {
      cwd: ROOT,
      signal: stop,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const path = /^results: (.*)$/m.exec(stdout)?.[1];
      if (code === 0 && path) resolve(path);
      else reject(new Error(`bench/${name}.ts exited with ${code}`));
    });
  });
}

/** Every result file's machine: its load average (1, 5, 15 minutes) as the benchmark ended. */
interface Measured {
  machine: { loadAverage: number[] };
}

async function result<T>(
  name: string,
  args: string[],
): Promise<{ name: string; file: string; data: T & Measured }> {
  process.stderr.write(`\n== bench/${name}.ts ${args.join(" ")}\n`);
  const file = await bench(name, args);
  return { name, file, data: JSON.parse(await readFile(file, "utf8")) as T & Measured };
}

type Medians<K extends string> = { median: Record<K, number>; ratio: number };
type StartUp = {
  median: Record<"floor" | "--help" | "ls" | "status" | "up (unchanged lab)", number>;
};
interface Roster {
  api: { seconds: number; labsPerMinute: number; ready: number; failed: number; peakRss: number };
  compose: { seconds: number; labsPerMinute: number };
}
interface Terminals {
  labsReady: number;
  serviceRssLabsAndTerminals: number;
  idleLabMemory: number;
  echo1p50: number;
  echo1p99: number;
  echoExecP50: number;
  echoExecP99: number;
  echoPacedP50: number;
  echoPacedP99: number;
  echoFlatOutP50: number;
  echoFlatOutP99: number;
  rate: number;
  catTerminalMBps: number;
  catExecMBps: number;
}

interface ChurnLoss {
  labs: number;
  sent: number;
  lost: number;
  lossPercent: number;
}

interface Scale {
  labs: number;
  ends: number;
  upFirst: number;
  upLast: number;
  upRatio: number;
  apiList: number;
  ls: number;
  status: number;
  iptablesFilterRules: number;
  serviceRss: number;
}

interface NoisyNeighbour {
  aloneP50: number;
  aloneP99: number;
  noisyP50: number;
  noisyP99: number;
  p99Ratio: number;
  noisyRssPeak: number;
}

const runs = ["--runs", values.runs];
const students = values.students;
try {
  const up = await result<Medians<"socketlab" | "compose">>("up-vs-compose", runs);
  const floor = await result<Medians<"socketlab" | "floor">>("engine-floor", runs);
  const reset = await result<Omit<Medians<"node" | "lab">, "ratio">>("reset", runs);
  const ca = await result<Medians<"withCa" | "withoutCa">>("ca-cost", runs);
  const startUp = await result<StartUp>("cli-startup", runs);
  const roster = await result<Roster>("roster", ["--students", students]);
  const { labs, terminals: open } = values;
  const terminals = await result<Terminals>("terminals", ["--labs", labs, "--terminals", open]);
  const noisy = await result<NoisyNeighbour>("noisy-neighbour", []);
  const churn = await result<ChurnLoss>("churn-loss", []);
  const scale = await result<Scale>("scale", ["--labs", values.scale]);

  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const x = (ratio: number) => `${ratio.toFixed(2)}x`;
  const mb = (bytes: number, digits = 0) => `${(bytes / 2 ** 20).toFixed(digits)} MB`;
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
  const { api, compose } = roster.data;
  const t = terminals.data;
  const n = noisy.data;
  const g = scale.data;
  // The third column: issue 17's figure before its work, where it gave one (same kind of machine).
  const rows: [string, string, string?][] = [
    ["up, 6 nodes: socketlab (median)", s(up.data.median.socketlab)],
    ["up, 6 nodes: docker-compose (median)", s(up.data.median.compose)],
    ["up: ratio socketlab/compose", x(up.data.ratio), "1.12x"],
    ["up, 6 nodes: socketlab (median, floor run)", s(floor.data.median.socketlab)],
    ["up, 6 nodes: engine floor (median)", s(floor.data.median.floor)],
    ["up: ratio socketlab/floor", x(floor.data.ratio), "1.27x"],
    ["up, 6-node TLS lab with its CA (median)", s(ca.data.median.withCa)],
    ["up, the same lab without the CA (median)", s(ca.data.median.withoutCa)],
    ["up: ratio with CA/without", x(ca.data.ratio)],
    ["CLI: node -e 0, the floor (median)", s(startUp.data.median.floor)],
    ["CLI: socketlab --help (median)", s(startUp.data.median["--help"]), "1.1 s"],
    ["CLI: socketlab ls (median)", s(startUp.data.median.ls)],
    ["CLI: socketlab status (median)", s(startUp.data.median.status)],
    ["CLI: socketlab up, lab unchanged (median)", s(startUp.data.median["up (unchanged lab)"])],
    ["reset one node (median)", s(reset.data.median.node), "2.10 s"],
    ["reset whole 6-node lab (median)", s(reset.data.median.lab), "5.11 s"],
    [
      "reset: one node/lab's up (goal 0.4x)",
      x(reset.data.median.node / up.data.median.socketlab),
      "0.42x",
    ],
    [`roster ${students} labs: API total`, s(api.seconds)],
    [`roster ${students} labs: API labs/min`, api.labsPerMinute.toFixed(1)],
    [`roster ${students} labs: ready / failed`, `${api.ready} / ${api.failed}`],
    [`roster ${students} labs: compose total`, s(compose.seconds)],
    [`roster ${students} labs: compose labs/min`, compose.labsPerMinute.toFixed(1)],
    ["roster: service peak RSS", mb(api.peakRss)],
    [
      `service RSS, ${labs} labs + ${open} terminals`,
      mb(t.serviceRssLabsAndTerminals),
      "171 MB (30 + 50)",
    ],
    ["idle lab memory (3 nodes)", mb(t.idleLabMemory, 1)],
    ["echo, 1 terminal: p50 / p99", `${ms(t.echo1p50)} / ${ms(t.echo1p99)}`],
    ["echo, docker exec (floor): p50 / p99", `${ms(t.echoExecP50)} / ${ms(t.echoExecP99)}`],
    [
      `echo, ${open} terminals at ${t.rate} keys/s: p50 / p99`,
      `${ms(t.echoPacedP50)} / ${ms(t.echoPacedP99)}`,
    ],
    [
      `echo, ${open} terminals flat out: p50 / p99`,
      `${ms(t.echoFlatOutP50)} / ${ms(t.echoFlatOutP99)}`,
    ],
    ["cat 50 MB: terminal WebSocket", `${t.catTerminalMBps.toFixed(1)} MB/s`],
    ["cat 50 MB: docker exec (floor)", `${t.catExecMBps.toFixed(1)} MB/s`],
    ["noisy neighbour: quiet echo alone p50 / p99", `${ms(n.aloneP50)} / ${ms(n.aloneP99)}`],
    ["noisy neighbour: quiet echo, 5 noisy p50 / p99", `${ms(n.noisyP50)} / ${ms(n.noisyP99)}`],
    ["noisy neighbour: p99 noisy/alone (goal 2x)", x(n.p99Ratio)],
    ["noisy neighbour: service RSS peak (goal < 200 MB)", mb(n.noisyRssPeak)],
    [
      `routed pings lost while ${churn.data.labs} labs come and go (goal 0)`,
      `${churn.data.lost} of ${churn.data.sent} (${churn.data.lossPercent.toFixed(2)} %)`,
      "1-3 %",
    ],
    [
      `scale ${g.labs} labs: up, first ${g.ends} / last ${g.ends} (median)`,
      `${s(g.upFirst)} / ${s(g.upLast)}`,
    ],
    [`scale ${g.labs} labs: up last/first (goal 1.25x)`, x(g.upRatio), "flat, 3.0-3.9 s (40 labs)"],
    [
      `scale ${g.labs} labs: API list / ls / status`,
      `${s(g.apiList)} / ${s(g.ls)} / ${s(g.status)}`,
      "- / 0.78 s / 0.54 s (41 labs)",
    ],
    [`scale ${g.labs} labs: iptables filter rules`, String(g.iptablesFilterRules), "428 (41 labs)"],
    [`scale ${g.labs} labs: service RSS`, mb(g.serviceRss)],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  console.log(
    `\nsocketlab benchmarks (${runs.join(" ")}, students ${students}, labs ${labs}, terminals ${open})`,
  );
  console.log(`${"".padEnd(width)}${"now".padStart(16)}  baseline`);
  for (const [label, value, baseline = ""] of rows) {
    console.log(`${label.padEnd(width)}${value.padStart(16)}  ${baseline}`);
  }
  const sources = [up, floor, reset, ca, startUp, roster, terminals, noisy, churn, scale];
  console.log("\nload average (1, 5, 15 min) as each benchmark ended:");
  for (const { name, data } of sources) {
    console.log(`  ${name.padEnd(width - 2)}${data.machine.loadAverage.join(" / ").padStart(16)}`);
  }
  const path = await writeResult("all", {
    date: new Date().toISOString(),
    machine: machine({}),
    runs: Number(values.runs),
    students: Number(students),
    labs: Number(labs),
    terminals: Number(open),
    scale: Number(values.scale),
    figures: Object.fromEntries(rows.map(([label, value]) => [label, value])),
    baselines: Object.fromEntries(rows.flatMap(([label, , b]) => (b ? [[label, b]] : []))),
    sources: sources.map((r) => r.file),
  });
  console.log(`results: ${path}`);
} catch (error) {
  // An interrupted run fails where it was stopped; the child cleaned up after itself.
  if (!stop.aborted) throw error;
  process.exit(130);
}
