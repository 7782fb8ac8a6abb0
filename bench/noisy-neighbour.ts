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
import { parseArgs } from "node:util";
import { listLabs } from "../orchestrator/src/labs/status.ts";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import { memory, type Service } from "../support/service.ts";
import { interruptible, machine, writeResult } from "./run.ts";
import { benchFolder, removeBenchLabs, startService } from "./service-labs.ts";
import { echoTimes, percentile, Terminal } from "./terminal-shell.ts";

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

let service: Service | undefined;
const terminals: Terminal[] = [];
let churning = false;
let figures: Record<string, number> | undefined;
try {
  await removeBenchLabs(engine, TOPOLOGY, 3); // what an interrupted earlier run may have left
  service = await startService(folder, stop);
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
  process.stderr.write(`quiet student alone: ${keys} keys at ${rate}/s...\n`);
  const aloneMemory = sampleMemory(service.pid);
  const alone = await echoTimes(quiet, keys, rate);
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
  process.stderr.write(`quiet student among them: ${keys} keys at ${rate}/s...\n`);
  const noisy = await echoTimes(quiet, keys, rate);
  churning = false;
  const churnRounds = (await Promise.all(churns)).reduce((a, b) => a + b, 0);
  const noisyRss = noisyMemory.stop();

  figures = {
    aloneP50: percentile(alone, 50),
    aloneP99: percentile(alone, 99),
    noisyP50: percentile(noisy, 50),
    noisyP99: percentile(noisy, 99),
    p99Ratio: percentile(noisy, 99) / percentile(alone, 99),
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
const f = figures;
const rows: [string, string][] = [
  ["quiet echo alone: p50 / p99", `${ms(f.aloneP50 as number)} / ${ms(f.aloneP99 as number)}`],
  [
    `quiet echo, ${neighbours} noisy neighbours: p50 / p99`,
    `${ms(f.noisyP50 as number)} / ${ms(f.noisyP99 as number)}`,
  ],
  ["p99 noisy / alone (goal: 2x at most)", `${(f.p99Ratio as number).toFixed(2)}x`],
  ["service RSS peak, alone", mb(f.aloneRssPeak as number)],
  ["service RSS peak, noisy (goal: < 200 MB)", mb(f.noisyRssPeak as number)],
  ["service VmHWM (start-up included)", mb(f.servicePeakRss as number)],
  ["terminals opened, flooded and dropped", String(f.churnRounds)],
];
const width = Math.max(...rows.map(([label]) => label.length)) + 2;
console.log(`\nnoisy neighbour (${keys} keys at ${rate}/s, ${neighbours} neighbours)`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}${value.padStart(20)}`);
const path = await writeResult("noisy-neighbour", {
  date: new Date().toISOString(),
  machine: machine({}),
  keys,
  rate,
  neighbours,
  ...figures,
});
console.log(`results: ${path}`);
