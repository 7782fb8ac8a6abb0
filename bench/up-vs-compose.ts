// Benchmark: how long `socketlab up` takes to bring up a 6-node, 2-network lab, next to a plain
// docker-compose (v1) file describing the same lab (generated from socketlab's plan, see
// compose.ts). It prints figures, never pass or fail.
//
//   node bench/up-vs-compose.ts [--runs N]      (npm run bench -- --runs N)
//
// Both are run as a user runs them: a child process, timed from spawn to exit. Runs alternate
// (socketlab, compose, socketlab, ...) after one untimed warm-up of each, so that a slow spell of
// this (noisy, shared) machine hits both alike. Tear-downs are not timed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTopologyFile } from "../orchestrator/src/roles/load.ts";
import { connectEngine, type Engine } from "../orchestrator/src/runtime/engine.ts";
import type { Topology } from "../orchestrator/src/topology/model.ts";
import {
  COMPOSE_NOTE,
  composeProject,
  composeYaml,
  planAroundEngine,
  requireCompose,
} from "./compose.ts";
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
const SOCKETLAB_LAB = "bench-socketlab";
const COMPOSE_LAB = "bench-compose";

const runs = runsOption("node bench/up-vs-compose.ts");

const stop = interruptible();

const composeVersion = await requireCompose();
const loaded = await loadTopologyFile(join(ROOT, TOPOLOGY));
if (!loaded.ok) throw new Error(`${TOPOLOGY} does not load; try 'socketlab validate ${TOPOLOGY}'`);
const topology: Topology = loaded.topology;
const engine: Engine = await connectEngine();

const workDir = await mkdtemp(join(tmpdir(), "socketlab-bench-"));
const composePath = join(workDir, "compose.yaml");
const compose = composeProject(COMPOSE_LAB, composePath);
const socketlabUp = ["up", TOPOLOGY, "--lab", SOCKETLAB_LAB];
// Planned afresh before each `up`: other labs may have claimed subnets since.
const writeComposeFile = async () =>
  writeFile(composePath, composeYaml(await planAroundEngine(engine, topology, COMPOSE_LAB)));
const downBoth = () =>
  Promise.allSettled([
    run("./socketlab", ["down", SOCKETLAB_LAB]),
    run("docker-compose", [...compose, "down", "-t", "0"]),
  ]);

const times = { socketlab: [] as number[], compose: [] as number[] };
try {
  await writeComposeFile();
  await downBoth(); // what an interrupted earlier run may have left
  console.log(`${TOPOLOGY}: ${runs} runs each, alternating, after one warm-up (seconds)`);
  pairRow("run", "socketlab", "compose");
  for (let i = 0; i <= runs; i++) {
    const socketlab = await timed("./socketlab", socketlabUp, stop);
    await run("./socketlab", ["down", SOCKETLAB_LAB], stop);
    await writeComposeFile();
    const composed = await timed("docker-compose", [...compose, "up", "-d"], stop);
    await run("docker-compose", [...compose, "down", "-t", "0"], stop);
    pairRow(i === 0 ? "warm-up" : String(i), socketlab.toFixed(2), composed.toFixed(2));
    if (i === 0) continue;
    times.socketlab.push(socketlab);
    times.compose.push(composed);
  }
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  const failed = (await downBoth()).filter((r) => r.status === "rejected");
  for (const r of failed) process.stderr.write(`clean-up failed: ${r.reason}\n`);
  await rm(workDir, { recursive: true, force: true });
}
if (stop.aborted) process.exit(130);

await reportPair({
  name: "up-vs-compose",
  keys: ["socketlab", "compose"],
  times,
  topology: TOPOLOGY,
  runs,
  note: COMPOSE_NOTE,
  machine: machine({ compose: composeVersion }),
});
