// Benchmark: a quiet student beside hostile neighbours. It prints figures, never pass or fail.
//
//   node bench/noisy-neighbour.ts [--keys 200] [--rate 10] [--neighbours 5]
//
// The service runs as a child process (support/service.ts); a bulk job brings up one lab per
// student (two nodes, the topology's default limits). The quiet student types `--keys` keys at
// `--rate` keys a second in a terminal and each key's echo is timed: first alone, then, in the
// same run, while each of `--neighbours` other students at once floods a terminal's output
// (`yes`, read as fast as it comes), runs a fork bomb, fills their node's memory again and again,
// and opens a terminal, floods it and drops it, in a loop. The service's resident memory is
// sampled every 200 ms throughout. The goal (the issue's): the quiet p99 within 2x of alone, and
// the service below 200 MB throughout.
//
// Where the time goes: the same keys through a plain `docker exec` shell in the quiet node (no
// service: the floor, under the same noise); the service's event-loop delay, heap and memory
// outside the heap from its /metrics, scraped every second; the CPU the service, dockerd, this
// benchmark (its clients read every flood) and the whole machine used while the quiet student
// typed.
import { parseArgs } from "node:util";
import Docker from "dockerode";
import { nodeContainer } from "../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../orchestrator/src/labs/status.ts";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import { memory, type Service } from "../support/service.ts";
import { interruptible, machine, writeResult } from "./run.ts";
import { benchFolder, removeBenchLabs, startService } from "./service-labs.ts";
import {
  dockerdPid,
  METRICS_TOKEN,
  machineCpu,
  processCpu,
  type ServiceMetrics,
  scrape,
} from "./service-probe.ts";
import { ExecShell, echoTimes, percentile, type Shell, Terminal } from "./terminal-shell.ts";

/** The topology's name in the benchmark's library: its labs are `bench-noisy-<login>`. */
const TOPOLOGY = "bench-noisy";
const YAML = `name: ${TOPOLOGY}
defaults:
  limits: { memory: 256m, cpus: 0.5, pids: 256 }
networks:
  lan:
    subnet: 10.1.0.0/24
nodes:
  alpha:
    networks: { lan: .10 }
  beta:
    networks: { lan: .20 }
`;

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "200" },
    rate: { type: "string", default: "10" },
    neighbours: { type: "string", default: "5" },
  },
});
const [keys, rate, neighbours] = [values.keys, values.rate, values.neighbours].map(Number) as [
  number,
  number,
  number,
];
if (![keys, rate, neighbours].every((n) => Number.isInteger(n) && n >= 1)) {
  process.stderr.write(
    "usage: node bench/noisy-neighbour.ts [--keys N] [--rate N] [--neighbours N], N >= 1\n",
  );
  process.exit(2);
}

const stop = interruptible();
const engine = await connectEngine();
// The floor is measured through Docker's own client, below socketlab's engine port.
const docker = new Docker();
const folder = await benchFolder(TOPOLOGY, YAML);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What each neighbour runs (as the node's lab user, with sudo at hand). Each is a line typed into
// a terminal of their own lab.
const FLOOD = "yes 'the quick brown fox jumps over the lazy dog, again and again and again'\r";
const FORK_BOMB = "bomb() { bomb | bomb & }; bomb\r";
// `tail` of an endless line keeps all of it: the node's memory limit kills it, and it starts again.
const FILL_MEMORY = "while true; do tail /dev/zero; done\r";
const CHURN_FLOOD = "cat /dev/urandom | base64\r";

/** The service's resident memory, sampled until `stop`, which gives the peak. */
function sampleMemory(pid: number): { stop(): number } {
  let peak = memory(pid).rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, memory(pid).rss);
  }, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, memory(pid).rss);
    },
  };
}

/** What a phase of typing cost, and where. */
interface Phase {
  echo: number[];
  /** The same keys through a plain `docker exec` shell in the same node. */
  floor: number[];
  /** Each second's event-loop delay p99 (ms): the worst second, and the median one. */
  lagP99Worst: number;
  lagP99Median: number;
  lagMaxWorst: number;
  /** Peaks of the service's memory, split as V8 and Node see it. */
  rssPeak: number;
  heapUsedPeak: number;
  newSpacePeak: number;
  externalPeak: number;
  /** Cores busy while the quiet student typed through the service. */
  serviceCores: number;
  dockerdCores: number;
  benchCores: number;
  machineCores: number;
}

/** The quiet student types through the service, then through `docker exec`; measured meanwhile. */
async function typingPhase(service: Service, quiet: Terminal, floorShell: Shell): Promise<Phase> {
  const windows: ServiceMetrics[] = [];
  await scrape(service); // starts the event-loop delay's first window now
  const timer = setInterval(() => {
    scrape(service).then(
      (m) => windows.push(m),
      () => {},
    );
  }, 1000);
  const dockerd = dockerdPid();
  const before = {
    at: performance.now(),
    service: processCpu(service.pid),
    dockerd: dockerd === null ? 0 : processCpu(dockerd),
    bench: process.cpuUsage(),
    machine: machineCpu(),
  };
  const echo = await echoTimes(quiet, keys, rate);
  const seconds = (performance.now() - before.at) / 1000;
  const bench = process.cpuUsage(before.bench);
  const cores = {
    serviceCores: (processCpu(service.pid) - before.service) / seconds,
    dockerdCores: dockerd === null ? 0 : (processCpu(dockerd) - before.dockerd) / seconds,
    benchCores: (bench.user + bench.system) / 1e6 / seconds,
    machineCores: (machineCpu() - before.machine) / seconds,
  };
  clearInterval(timer);
  windows.push(await scrape(service));
  const floor = await echoTimes(floorShell, keys, rate);
  const most = (key: keyof ServiceMetrics) => Math.max(...windows.map((w) => w[key]));
  const lagP99s = windows.map((w) => w.lagP99 * 1000);
  return {
    echo,
    floor,
    lagP99Worst: Math.max(...lagP99s),
    lagP99Median: percentile(lagP99s, 50),
    lagMaxWorst: most("lagMax") * 1000,
    rssPeak: most("rss"),
    heapUsedPeak: most("heapUsed"),
    newSpacePeak: most("newSpace"),
    externalPeak: most("external"),
    ...cores,
  };
}

let service: Service | undefined;
const terminals: Terminal[] = [];
let churning = false;
let figures: Record<string, number> | undefined;
try {
  await removeBenchLabs(engine, TOPOLOGY, 3); // what an interrupted earlier run may have left
  service = await startService(folder, stop, { env: { SOCKETLAB_METRICS_TOKEN: METRICS_TOKEN } });
  process.stderr.write(`${neighbours + 1} labs through the API...\n`);
  const job = await service.bulk(TOPOLOGY, neighbours + 1, 3, "n");
  if (job.ready < neighbours + 1) {
    throw new Error(`${job.failed} of ${neighbours + 1} labs did not come up`);
  }
  const labs = (await listLabs(engine))
    .filter((l) => l.topology === TOPOLOGY)
    .map((l) => l.lab)
    .sort();
  const [quietLab, ...noisyLabs] = labs as [string, ...string[]];
  const ws = service.url.replace(/^http/, "ws");
  const token = service.token;
  const open = async (lab: string, node: string): Promise<Terminal> => {
    const terminal = new Terminal(`${ws}/api/labs/${lab}/nodes/${node}/terminal`, token, stop);
    terminals.push(terminal);
    await terminal.ready;
    await terminal.quiet(500);
    return terminal;
  };

  const quiet = await open(quietLab, "alpha");
  const floorShell = await ExecShell.open(
    docker,
    await nodeContainer(engine, quietLab, "alpha"),
    stop,
  );
  await floorShell.quiet(500);
  process.stderr.write(`quiet student alone: ${keys} keys at ${rate}/s, then docker exec...\n`);
  const aloneMemory = sampleMemory(service.pid);
  const alone = await typingPhase(service, quiet, floorShell);
  const aloneRss = aloneMemory.stop();

  process.stderr.write(`${neighbours} neighbours: flood, fork bomb, memory, terminal churn...\n`);
  const noisyMemory = sampleMemory(service.pid);
  for (const lab of noisyLabs) {
    (await open(lab, "alpha")).type(FLOOD);
    (await open(lab, "beta")).type(FORK_BOMB);
    (await open(lab, "alpha")).type(FILL_MEMORY);
  }
  // Each neighbour opens a terminal, floods it and drops it, again and again.
  churning = true;
  const churns = noisyLabs.map(async (lab) => {
    let rounds = 0;
    while (churning && !stop.aborted) {
      const terminal = new Terminal(`${ws}/api/labs/${lab}/nodes/beta/terminal`, token, stop);
      try {
        await terminal.ready;
        terminal.type(CHURN_FLOOD);
        await sleep(1000);
      } catch {
        // A refusal (the node busy with its fork bomb) is part of the noise.
      }
      terminal.socket.terminate();
      rounds++;
    }
    return rounds;
  });
  await sleep(5000); // the noise in full swing
  process.stderr.write(
    `quiet student among them: ${keys} keys at ${rate}/s, then docker exec...\n`,
  );
  const noisy = await typingPhase(service, quiet, floorShell);
  churning = false;
  const churnRounds = (await Promise.all(churns)).reduce((a, b) => a + b, 0);
  const noisyRss = noisyMemory.stop();
  floorShell.close();

  const phaseFigures = (name: string, p: Phase) => ({
    [`${name}P50`]: percentile(p.echo, 50),
    [`${name}P99`]: percentile(p.echo, 99),
    [`${name}FloorP50`]: percentile(p.floor, 50),
    [`${name}FloorP99`]: percentile(p.floor, 99),
    [`${name}LagP99WorstMs`]: p.lagP99Worst,
    [`${name}LagP99MedianMs`]: p.lagP99Median,
    [`${name}LagMaxWorstMs`]: p.lagMaxWorst,
    [`${name}HeapUsedPeak`]: p.heapUsedPeak,
    [`${name}NewSpacePeak`]: p.newSpacePeak,
    [`${name}ExternalPeak`]: p.externalPeak,
    [`${name}ServiceCores`]: p.serviceCores,
    [`${name}DockerdCores`]: p.dockerdCores,
    [`${name}BenchCores`]: p.benchCores,
    [`${name}MachineCores`]: p.machineCores,
  });
  figures = {
    ...phaseFigures("alone", alone),
    ...phaseFigures("noisy", noisy),
    p99Ratio: percentile(noisy.echo, 99) / percentile(alone.echo, 99),
    floorP99Ratio: percentile(noisy.floor, 99) / percentile(alone.floor, 99),
    aloneRssPeak: aloneRss,
    noisyRssPeak: noisyRss,
    servicePeakRss: memory(service.pid).hwm,
    churnRounds,
  };
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  churning = false;
  for (const t of terminals) t.socket.terminate();
  await service?.stop();
  await removeBenchLabs(engine, TOPOLOGY, 3);
  await folder.remove();
}
if (stop.aborted || !figures) process.exit(130);

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const ms = (seconds: number) => `${(seconds * 1000).toFixed(1)} ms`;
const f = figures as Record<string, number>;
const pair = (a: string, b: string, show: (n: number) => string) =>
  `${show(f[a] as number)} / ${show(f[b] as number)}`;
const both = (label: string, key: string, show: (n: number) => string): [string, string][] => [
  [`${label}, alone`, show(f[`alone${key}`] as number)],
  [`${label}, noisy`, show(f[`noisy${key}`] as number)],
];
const cores = (n: number) => n.toFixed(2);
const rows: [string, string][] = [
  ["quiet echo alone: p50 / p99", pair("aloneP50", "aloneP99", ms)],
  [`quiet echo, ${neighbours} noisy neighbours: p50 / p99`, pair("noisyP50", "noisyP99", ms)],
  ["p99 noisy / alone (goal: 2x at most)", `${(f.p99Ratio as number).toFixed(2)}x`],
  ["docker exec echo alone: p50 / p99", pair("aloneFloorP50", "aloneFloorP99", ms)],
  ["docker exec echo, noisy: p50 / p99", pair("noisyFloorP50", "noisyFloorP99", ms)],
  ["docker exec p99 noisy / alone", `${(f.floorP99Ratio as number).toFixed(2)}x`],
  ...both("event-loop delay p99, worst second (ms)", "LagP99WorstMs", (n) => n.toFixed(1)),
  ...both("event-loop delay p99, median second (ms)", "LagP99MedianMs", (n) => n.toFixed(1)),
  ...both("event-loop delay max (ms)", "LagMaxWorstMs", (n) => n.toFixed(1)),
  ...both("cores: service", "ServiceCores", cores),
  ...both("cores: dockerd", "DockerdCores", cores),
  ...both("cores: this benchmark's clients", "BenchCores", cores),
  ...both("cores: whole machine (of 2)", "MachineCores", cores),
  ["service RSS peak, alone", mb(f.aloneRssPeak as number)],
  ["service RSS peak, noisy (goal: < 200 MB)", mb(f.noisyRssPeak as number)],
  ...both("heap used peak", "HeapUsedPeak", mb),
  ...both("young generation peak", "NewSpacePeak", mb),
  ...both("external (Buffers) peak", "ExternalPeak", mb),
  ["service VmHWM (start-up included)", mb(f.servicePeakRss as number)],
  ["terminals opened, flooded and dropped", String(f.churnRounds)],
];
const width = Math.max(...rows.map(([label]) => label.length)) + 2;
console.log(
  `\nnoisy neighbour (${keys} keys at ${rate}/s, ${neighbours} neighbours, output rate ${process.env.SOCKETLAB_TERMINAL_OUTPUT_RATE ?? "default"})`,
);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}${value.padStart(20)}`);
const path = await writeResult("noisy-neighbour", {
  date: new Date().toISOString(),
  machine: machine({}),
  keys,
  rate,
  neighbours,
  // The service inherits the environment: a run with SOCKETLAB_TERMINAL_OUTPUT_RATE=0 is unbounded.
  outputRate: process.env.SOCKETLAB_TERMINAL_OUTPUT_RATE ?? "default",
  ...figures,
});
console.log(`results: ${path}`);
