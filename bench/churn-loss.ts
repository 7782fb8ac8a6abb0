// Benchmark: does a lab lose routed packets while other labs come and go? Docker rewrites the
// FORWARD chain's jumps whenever it creates a network, and a routed packet that meets the
// rewrite mid-way used to be dropped by Docker's isolation rules. A client pings a server
// through a router every 20 ms (bench/labs/routed-pair.yaml) while copies of a one-node lab
// (bench/labs/one-node.yaml) are brought up and taken down around it, a few at a time. It prints
// figures, never pass or fail.
//
//   node bench/churn-loss.ts [--labs 20] [--parallel 4]
//
// A packet is lost when its sequence number lies between the first and the last reply and no
// reply came for it: the ping still in flight when it is stopped does not count. Every lab it
// made is taken down at the end, also when it is cut short.
import { parseArgs } from "node:util";
import { interruptible, machine, run, writeResult } from "./run.ts";

const LAB = "bench-churn";
const CHURN_PREFIX = "bench-churn-";
const PING_OUTPUT = "/tmp/bench-churn-ping.out";

const { values } = parseArgs({
  options: { labs: { type: "string", default: "20" }, parallel: { type: "string", default: "4" } },
});
const labs = Number(values.labs);
const parallel = Number(values.parallel);
if (![labs, parallel].every((n) => Number.isInteger(n) && n >= 1 && n <= 100)) {
  process.stderr.write(
    "usage: node bench/churn-loss.ts [--labs N] [--parallel N], 1 <= N <= 100\n",
  );
  process.exit(2);
}
const stop = interruptible();
const churnLabs = Array.from({ length: labs }, (_, i) => `${CHURN_PREFIX}${i + 1}`);

const onClient = (script: string) =>
  run("./socketlab", ["exec", LAB, "client", "--", "sh", "-c", script], stop);

/** Brings each lab up and down, `parallel` at a time; returns the seconds it took. */
async function churn(): Promise<number> {
  const start = performance.now();
  const queue = [...churnLabs];
  const worker = async () => {
    for (let lab = queue.shift(); lab !== undefined; lab = queue.shift()) {
      await run("./socketlab", ["up", "bench/labs/one-node.yaml", "--lab", lab], stop);
      await run("./socketlab", ["down", lab], stop);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return (performance.now() - start) / 1000;
}

/** Sent and lost echo requests, from ping's reply lines. */
function losses(output: string): { sent: number; lost: number } {
  const seen = new Set([...output.matchAll(/icmp_seq=(\d+)/g)].map((m) => Number(m[1])));
  if (seen.size === 0) return { sent: 0, lost: 0 };
  const first = Math.min(...seen);
  const last = Math.max(...seen);
  return { sent: last - first + 1, lost: last - first + 1 - seen.size };
}

let result: { sent: number; lost: number; churnSeconds: number } | undefined;
try {
  for (const lab of [LAB, ...churnLabs]) await run("./socketlab", ["down", lab]);
  await run("./socketlab", ["up", "bench/labs/routed-pair.yaml", "--lab", LAB], stop);
  await onClient(`ping -n -i 0.02 -W 2 server >${PING_OUTPUT} 2>&1 & echo $! >${PING_OUTPUT}.pid`);
  const churnSeconds = await churn();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const output = await onClient(
    `kill -INT $(cat ${PING_OUTPUT}.pid); sleep 0.2; cat ${PING_OUTPUT}`,
  );
  result = { ...losses(output), churnSeconds };
} catch (error) {
  if (!stop.aborted) throw error;
} finally {
  for (const lab of [LAB, ...churnLabs]) {
    await run("./socketlab", ["down", lab]).catch((error) =>
      process.stderr.write(`clean-up of ${lab} failed: ${error}\n`),
    );
  }
}
if (stop.aborted || result === undefined) process.exit(130);

const percent = (100 * result.lost) / Math.max(result.sent, 1);
console.log(
  `${labs} labs up and down (${parallel} at a time) in ${result.churnSeconds.toFixed(1)} s; ` +
    `routed pings every 20 ms: ${result.lost} lost of ${result.sent} (${percent.toFixed(2)} %)`,
);
const path = await writeResult("churn-loss", {
  date: new Date().toISOString(),
  labs,
  parallel,
  machine: machine({}),
  ...result,
  lossPercent: percent,
});
console.log(`results: ${path}`);
