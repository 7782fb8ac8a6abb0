// Benchmark: how close `socketlab up` comes to what the engine itself allows. The floor is the
// same lab (bench/labs/six-nodes.yaml, planned by socketlab's planner) created straight through
// dockerode with as much parallelism as the engine takes: every network at once, then every
// container at once (the same settings socketlab uses), then every start at once; no readiness,
// no host rules, no process start-up. It prints figures, never pass or fail.
//
//   node bench/engine-floor.ts [--runs N]
//
// `socketlab up` is timed from spawn to exit, as a user runs it; the floor from its first engine
// call to the last start. Runs alternate after one untimed warm-up of each; tear-downs are not
// timed.
import { downLab } from "../orchestrator/src/labs/lifecycle.ts";
import { loadTopologyFile } from "../orchestrator/src/roles/load.ts";
import { createNodeContainer, startContainer } from "../orchestrator/src/runtime/containers.ts";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import { createNetwork } from "../orchestrator/src/runtime/networks.ts";
import { planAroundEngine } from "./compose.ts";
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

const TOPOLOGY = "bench/labs/six-nodes.yaml";
const SOCKETLAB_LAB = "bench-floor-sl";
const FLOOR_LAB = "bench-floor";
const FLOOR_NOTE =
  "socketlab's time includes starting a Node.js process, planning, waiting for every node to be " +
  "ready and the host-guard rules; the floor's has none of these.";

const runs = runsOption("node bench/engine-floor.ts");
const stop = interruptible();
const loaded = await loadTopologyFile(`${ROOT}/${TOPOLOGY}`);
if (!loaded.ok) throw new Error(`${TOPOLOGY} does not load; try 'socketlab validate ${TOPOLOGY}'`);
const topology = loaded.topology;
const engine = await connectEngine();

/** The lab created through dockerode, in three parallel steps; seconds of the engine calls. */
async function floorUp(): Promise<number> {
  // Planned before the clock starts: other labs may have claimed subnets since the last run.
  const plan = await planAroundEngine(engine, topology, FLOOR_LAB);
  const start = performance.now();
  await Promise.all(plan.networks.map((network) => createNetwork(engine, network)));
  const ids = await Promise.all(plan.nodes.map((node) => createNodeContainer(engine, node)));
  await Promise.all(ids.map((id) => startContainer(engine, id)));
  return (performance.now() - start) / 1000;
}

// downLab finds a lab's objects by their labels, which the floor's plan gives them too.
const downBoth = () =>
  Promise.allSettled([run("./socketlab", ["down", SOCKETLAB_LAB]), downLab(engine, FLOOR_LAB)]);

const times = { socketlab: [] as number[], floor: [] as number[] };
try {
  await downBoth(); // what an interrupted earlier run may have left
  console.log(`${TOPOLOGY}: ${runs} runs each, alternating, after one warm-up (seconds)`);
  pairRow("run", "socketlab", "floor");
  for (let i = 0; i <= runs; i++) {
    const socketlab = await timed("./socketlab", ["up", TOPOLOGY, "--lab", SOCKETLAB_LAB], stop);
    await run("./socketlab", ["down", SOCKETLAB_LAB], stop);
    stop.throwIfAborted();
    const floor = await floorUp();
    await downLab(engine, FLOOR_LAB);
    pairRow(i === 0 ? "warm-up" : String(i), socketlab.toFixed(2), floor.toFixed(2));
    if (i === 0) continue;
    times.socketlab.push(socketlab);
    times.floor.push(floor);
  }
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  const failed = (await downBoth()).filter((r) => r.status === "rejected");
  for (const r of failed) process.stderr.write(`clean-up failed: ${r.reason}\n`);
}
if (stop.aborted) process.exit(130);

await reportPair({
  name: "engine-floor",
  keys: ["socketlab", "floor"],
  times,
  topology: TOPOLOGY,
  runs,
  note: FLOOR_NOTE,
  machine: machine({}),
});
