// Benchmark: terminals through the service, and its footprint. It prints figures, never pass or
// fail.
//
//   node bench/terminals.ts [--labs 30] [--terminals 50] [--keys 100] [--megabytes 50]
//
// The service runs as a child process (support/service.ts); a bulk job brings up `--labs` labs of
// the three-nodes fixture, then `--terminals` WebSocket terminals open on their nodes (round
// robin), as a browser opens them (terminals/protocol.ts). Measured:
// - footprint: the service's resident set (VmRSS) with the labs up and the terminals open, and
//   the memory of an idle lab: the sum of its containers' usage in the engine's stats (page
//   cache not counted, as `docker stats` counts), before any terminal opened; median over labs;
// - keystroke echo: one byte sent, timed until its echo comes back, `--keys` times on one
//   terminal, beside a plain `docker exec` shell with a TTY in the same container (the floor);
//   then on every terminal at once, typing `--rate` keys a second each (a fast typist; each
//   terminal starts at a random moment), and flat out (each key as soon as the last echoed);
//   p50 and p99;
// - throughput: `cat` of a `--megabytes` file in a node, through the WebSocket, and through a
//   plain `docker exec` with a TTY in the same container (dockerode, no service: the floor).
import { parseArgs } from "node:util";
import Docker from "dockerode";
import { nodeContainer } from "../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../orchestrator/src/labs/status.ts";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../orchestrator/src/runtime/exec.ts";
import { labInventory } from "../orchestrator/src/runtime/inventory.ts";
import { memory, type Service } from "../support/service.ts";
import { interruptible, machine, median, writeResult } from "./run.ts";
import { benchFolder, removeBenchLabs, renamedTopology, startService } from "./service-labs.ts";
import { ExecShell, echoTimes, percentile, Terminal } from "./terminal-shell.ts";

const SOURCE = "tests/fixtures/three-nodes.yaml";
const NODES = ["alpha", "beta", "gamma"];
/** The topology's name in the benchmark's library: its labs are `bench-term-<login>`. */
const TOPOLOGY = "bench-term";
const BIG_FILE = "/tmp/socketlab-bench-cat";
const MARK = "BENCH-END";

const { values } = parseArgs({
  options: {
    labs: { type: "string", default: "30" },
    terminals: { type: "string", default: "50" },
    keys: { type: "string", default: "100" },
    rate: { type: "string", default: "10" },
    megabytes: { type: "string", default: "50" },
  },
});
const [labCount, terminalCount, keys, rate, megabytes] = [
  values.labs,
  values.terminals,
  values.keys,
  values.rate,
  values.megabytes,
].map(Number) as [number, number, number, number, number];
if (![labCount, terminalCount, keys, rate, megabytes].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write(
    "usage: node bench/terminals.ts [--labs N] [--terminals N] [--keys N] [--rate N] [--megabytes N], N >= 1\n",
  );
  process.exit(2);
}

const stop = interruptible();
const engine = await connectEngine();
// The floor is measured through Docker's own client, below socketlab's engine port.
const docker = new Docker();
const folder = await benchFolder(TOPOLOGY, await renamedTopology(SOURCE, TOPOLOGY));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `cat` of the big file at the terminal's shell, timed until the mark after it comes out. */
async function catThroughTerminal(terminal: Terminal): Promise<number> {
  await terminal.quiet();
  let tail = "";
  const done = terminal.until((chunk) => {
    // The mark is printed by arithmetic, so the echoed command line does not contain it.
    const seen = tail + chunk.toString("latin1");
    tail = seen.slice(-64);
    return seen.includes(`${MARK}42`);
  });
  const start = performance.now();
  terminal.type(`cat ${BIG_FILE}; echo ${MARK}$((6*7))\r`);
  await done;
  return (performance.now() - start) / 1000;
}

/** The same `cat` through `docker exec` with a TTY, straight through dockerode. */
async function catThroughExec(container: string): Promise<number> {
  const start = performance.now();
  const exec = await docker.getContainer(container).exec({
    Cmd: ["cat", BIG_FILE],
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  await new Promise<void>((resolve, reject) => {
    stream.on("data", () => {});
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  return (performance.now() - start) / 1000;
}

/** A lab's memory: its containers' usage less their inactive page cache (cgroup v1 or v2). */
async function labMemory(lab: string): Promise<number> {
  const { containers } = await labInventory(engine, lab);
  const usages = await Promise.all(
    containers.map(async (c) => {
      const stats = await docker.getContainer(c.id).stats({ stream: false });
      const m = stats.memory_stats as { usage?: number; stats?: Record<string, number> };
      const cache = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
      return (m.usage ?? 0) - cache;
    }),
  );
  return usages.reduce((a, b) => a + b, 0);
}

let service: Service | undefined;
const terminals: Terminal[] = [];
let figures: Record<string, number> | undefined;
try {
  await removeBenchLabs(engine, TOPOLOGY, 4); // what an interrupted earlier run may have left
  service = await startService(folder, stop);
  const rssIdle = memory(service.pid).rss;
  process.stderr.write(`${labCount} labs through the API...\n`);
  const job = await service.bulk(TOPOLOGY, labCount, 4, "t");
  if (job.ready < 1) throw new Error(`no lab came up (${job.failed} failed)`);
  const labs = (await listLabs(engine)).filter((l) => l.topology === TOPOLOGY).map((l) => l.lab);
  await sleep(5000); // let the labs settle before calling them idle
  const labMemories = await Promise.all(labs.slice(0, 5).map(labMemory));

  process.stderr.write(`${terminalCount} terminals...\n`);
  const ws = service.url.replace(/^http/, "ws");
  for (let i = 0; i < terminalCount; i++) {
    const lab = labs[i % labs.length] as string;
    const node = NODES[Math.floor(i / labs.length) % NODES.length] as string;
    terminals.push(
      new Terminal(`${ws}/api/labs/${lab}/nodes/${node}/terminal`, service.token, stop),
    );
  }
  await Promise.all(terminals.map((t) => t.ready));
  await Promise.all(terminals.map((t) => t.quiet(1000)));
  const rssTerminals = memory(service.pid).rss;

  process.stderr.write(`keystroke echo: 1 terminal, docker exec, ${terminalCount} at once...\n`);
  const first = terminals[0] as Terminal;
  const container = await nodeContainer(engine, labs[0] as string, NODES[0] as string);
  const one = await echoTimes(first, keys);
  const floorShell = await ExecShell.open(docker, container, stop);
  await floorShell.quiet(1000);
  const floor = await echoTimes(floorShell, keys);
  floorShell.close();
  const paced = (await Promise.all(terminals.map((t) => echoTimes(t, keys, rate)))).flat();
  const flatOut = (await Promise.all(terminals.map((t) => echoTimes(t, keys)))).flat();

  process.stderr.write(`cat of ${megabytes} MB, through the terminal and through docker exec...\n`);
  const made = await execCapture(engine, container, [
    "sh",
    "-c",
    `yes 0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS | head -c ${megabytes * 2 ** 20} > ${BIG_FILE}`,
  ]);
  if (made.exitCode !== 0) throw new Error(`could not write ${BIG_FILE}: ${made.stderr}`);
  await catThroughExec(container); // the file into the page cache for both
  const viaTerminal = await catThroughTerminal(first);
  const viaExec = await catThroughExec(container);
  await execCapture(engine, container, ["rm", "-f", BIG_FILE]);

  figures = {
    labsReady: job.ready,
    labsFailed: job.failed,
    terminals: terminalCount,
    serviceRssIdle: rssIdle,
    serviceRssLabsAndTerminals: rssTerminals,
    servicePeakRss: memory(service.pid).hwm,
    idleLabMemory: median(labMemories),
    echo1p50: percentile(one, 50),
    echo1p99: percentile(one, 99),
    echoExecP50: percentile(floor, 50),
    echoExecP99: percentile(floor, 99),
    echoPacedP50: percentile(paced, 50),
    echoPacedP99: percentile(paced, 99),
    echoFlatOutP50: percentile(flatOut, 50),
    echoFlatOutP99: percentile(flatOut, 99),
    catTerminalMBps: megabytes / viaTerminal,
    catExecMBps: megabytes / viaExec,
  };
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  for (const t of terminals) t.close();
  await service?.stop();
  await removeBenchLabs(engine, TOPOLOGY, 4);
  await folder.remove();
}
if (stop.aborted || !figures) process.exit(130);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const f = figures;
const rows: [string, string][] = [
  ["labs ready / failed", `${f.labsReady} / ${f.labsFailed}`],
  ["service RSS, no lab", mb(f.serviceRssIdle as number)],
  [`service RSS, labs + ${terminalCount} terminals`, mb(f.serviceRssLabsAndTerminals as number)],
  ["service peak RSS (VmHWM)", mb(f.servicePeakRss as number)],
  ["idle lab memory (3 nodes, median)", `${((f.idleLabMemory as number) / 2 ** 20).toFixed(1)} MB`],
  ["echo, 1 terminal: p50", ms(f.echo1p50 as number)],
  ["echo, 1 terminal: p99", ms(f.echo1p99 as number)],
  ["echo, docker exec (floor): p50", ms(f.echoExecP50 as number)],
  ["echo, docker exec (floor): p99", ms(f.echoExecP99 as number)],
  [`echo, ${terminalCount} at ${rate} keys/s: p50`, ms(f.echoPacedP50 as number)],
  [`echo, ${terminalCount} at ${rate} keys/s: p99`, ms(f.echoPacedP99 as number)],
  [`echo, ${terminalCount} flat out: p50`, ms(f.echoFlatOutP50 as number)],
  [`echo, ${terminalCount} flat out: p99`, ms(f.echoFlatOutP99 as number)],
  [`cat ${megabytes} MB: terminal (WebSocket)`, `${(f.catTerminalMBps as number).toFixed(1)} MB/s`],
  [`cat ${megabytes} MB: docker exec (floor)`, `${(f.catExecMBps as number).toFixed(1)} MB/s`],
];
console.log(`${labCount} labs of ${SOURCE}, ${terminalCount} terminals, ${keys} keys each`);
for (const [label, value] of rows) console.log(`${label.padEnd(40)}${value.padStart(14)}`);
const note =
  "the client runs on the same machine (echo times include its event loop); the terminal path includes all the service does per session (flow control, recording).";
console.log(`note: ${note}`);
const resultPath = await writeResult("terminals", {
  date: new Date().toISOString(),
  topology: SOURCE,
  labs: labCount,
  terminals: terminalCount,
  keys,
  rate,
  megabytes,
  machine: machine({}),
  ...figures,
  note,
});
console.log(`results: ${resultPath}`);
