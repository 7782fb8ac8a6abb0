// Benchmark: how long a student waits for a reset of the 6-node benchmark lab
// (bench/labs/six-nodes.yaml): one node (`socketlab reset LAB web`, the node with a ready check)
// and the whole lab (`socketlab reset LAB`). It prints figures, never pass or fail.
//
//   node bench/reset.ts [--runs N]
//
// Each reset is timed from spawn to exit, as a user runs it, including waiting for the reset
// nodes to be ready again; the two kinds alternate after one untimed warm-up of each. The lab is
// brought up once, untimed, and taken down at the end.
import { interruptible, machine, median, run, runsOption, timed, writeResult } from "./run.ts";

const TOPOLOGY = "bench/labs/six-nodes.yaml";
const LAB = "bench-reset";
const NODE = "web";

const runs = runsOption("node bench/reset.ts");
const stop = interruptible();

const row = (label: string, node: string, lab: string) =>
  console.log(`${label.padEnd(8)}${node.padStart(10)}${lab.padStart(10)}`);

const times = { node: [] as number[], lab: [] as number[] };
try {
  await run("./socketlab", ["down", LAB]); // what an interrupted earlier run may have left
  await run("./socketlab", ["up", TOPOLOGY, "--lab", LAB], stop);
  console.log(`${TOPOLOGY}: ${runs} runs each, after one warm-up (seconds)`);
  row("run", NODE, "lab");
  for (let i = 0; i <= runs; i++) {
    const node = await timed("./socketlab", ["reset", LAB, NODE], stop);
    const lab = await timed("./socketlab", ["reset", LAB], stop);
    row(i === 0 ? "warm-up" : String(i), node.toFixed(2), lab.toFixed(2));
    if (i === 0) continue;
    times.node.push(node);
    times.lab.push(lab);
  }
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  await run("./socketlab", ["down", LAB]).catch((error) =>
    process.stderr.write(`clean-up failed: ${error}\n`),
  );
}
if (stop.aborted) process.exit(130);

const medians = { node: median(times.node), lab: median(times.lab) };
row("median", medians.node.toFixed(2), medians.lab.toFixed(2));

const resultPath = await writeResult("reset", {
  date: new Date().toISOString(),
  topology: TOPOLOGY,
  node: NODE,
  runs,
  machine: machine({}),
  seconds: times,
  median: medians,
});
console.log(`results: ${resultPath}`);
