// Benchmark: how long `socketlab up` takes to bring up a 6-node, 2-network lab, next to a plain
// docker-compose (v1) file describing the same lab. It prints figures, never pass or fail.
//
//   node bench/up-vs-compose.ts [--runs N]      (npm run bench -- --runs N)
//
// Both are run as a user runs them: a child process, timed from spawn to exit. Runs alternate
// (socketlab, compose, socketlab, ...) after one untimed warm-up of each, so that a slow spell of
// this (noisy, shared) machine hits both alike. Tear-downs are not timed.
//
// The compose file is generated from socketlab's own plan of the same topology, so both create
// the same containers: same image, command, init, addresses, subnets (internal bridges with the
// same options), capabilities, sysctls, limits, host entries and environment. The differences:
// - socketlab waits for every node to be ready and sets the host-guard rules of each bridge;
//   compose's `up -d` does neither (it has no readiness to wait for without health checks).
// - compose cannot inject files without bind mounts, so its command writes them first; the lab
//   keeps its files to one tiny page, so this costs next to nothing either way.
//
// docker-compose missing: the script says how to install it and exits 1, rather than install
// packages itself (a benchmark should not change the machine it measures).
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { stringify } from "yaml";
import { subnetPool } from "../orchestrator/src/config.ts";
import { planLab } from "../orchestrator/src/plan/plan.ts";
import type { LabPlan, NodePlan } from "../orchestrator/src/plan/types.ts";
import { connectEngine, type Engine } from "../orchestrator/src/runtime/engine.ts";
import { engineSubnets } from "../orchestrator/src/runtime/inventory.ts";
import { loadTopologyFile } from "../orchestrator/src/topology/load.ts";
import type { Topology } from "../orchestrator/src/topology/model.ts";

const ROOT = join(import.meta.dirname, "..");
const TOPOLOGY = "bench/labs/six-nodes.yaml";
const SOCKETLAB_LAB = "bench-socketlab";
const COMPOSE_LAB = "bench-compose";
const NOTE =
  "socketlab's time includes waiting for every node to be ready and the host-guard rules; " +
  "compose's `up -d` waits for neither.";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write("usage: node bench/up-vs-compose.ts [--runs N], N >= 1\n");
  process.exit(2);
}

// Ctrl-C (or SIGTERM) stops the run in progress, then the `finally` below tears both labs down.
// The listener goes after the first signal, so a second one quits at once.
const interrupt = new AbortController();
const stop = interrupt.signal;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping and cleaning up (again to quit at once)\n`);
    interrupt.abort();
  });
}

const execFileAsync = promisify(execFile);

/** Runs a command from the project root; its output is kept for the error when it fails. */
async function run(command: string, args: string[], signal?: AbortSignal): Promise<string> {
  const { stdout } = await execFileAsync(command, args, {
    cwd: ROOT,
    signal,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function timed(command: string, args: string[]): Promise<number> {
  const start = performance.now();
  await run(command, args, stop);
  return (performance.now() - start) / 1000;
}

/** The compose file of the lab: socketlab's plan, written in compose's v2.4 terms. */
function composeFile(plan: LabPlan): object {
  const services = plan.nodes.map((node) => [
    node.name,
    {
      image: node.image,
      container_name: node.containerName,
      hostname: node.hostname,
      command: commandWritingFiles(node),
      init: true,
      restart: "unless-stopped",
      environment: node.env,
      extra_hosts: node.extraHosts,
      cap_add: node.capabilities,
      sysctls: node.sysctls,
      mem_limit: node.limits.memoryBytes,
      memswap_limit: node.limits.memoryBytes,
      cpus: node.limits.nanoCpus / 1e9,
      pids_limit: node.limits.pids,
      networks: Object.fromEntries(
        node.endpoints.map((e) => [e.network, { ipv4_address: e.address }]),
      ),
    },
  ]);
  const networks = plan.networks.map((network) => [
    network.name,
    {
      name: network.dockerName,
      driver: "bridge",
      internal: true,
      driver_opts: {
        "com.docker.network.bridge.name": network.bridgeName,
        "com.docker.network.bridge.enable_ip_masquerade": "false",
      },
      ipam: { driver: "default", config: [{ subnet: network.subnet, gateway: network.gateway }] },
    },
  ]);
  // Compose substitutes `$VAR` in every value; `$$` is its literal `$`.
  return escapeDollars({
    version: "2.4",
    services: Object.fromEntries(services),
    networks: Object.fromEntries(networks),
  });
}

/** No line folding: the node's script stays readable as written. */
function composeYaml(plan: LabPlan): string {
  return stringify(composeFile(plan), { lineWidth: 0 });
}

/** The node's command (`/bin/sh -c SCRIPT`, see plan/container.ts) with its files written first. */
function commandWritingFiles(node: NodePlan): string[] {
  const [shell, flag, script] = node.command;
  const writes = node.files.map((f) => {
    const path = shellQuote(f.path);
    return `mkdir -p ${shellQuote(dirname(f.path))} && echo ${f.contentBase64} | base64 -d >${path} && chmod ${f.mode.toString(8)} ${path}`;
  });
  return [shell as string, flag as string, [...writes, script].join("\n")];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function escapeDollars(value: unknown): object {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return v.replaceAll("$", "$$");
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as object;
}

/** Plans the compose lab now, around every subnet the engine has at this moment. */
async function planCompose(engine: Engine, topology: Topology): Promise<LabPlan> {
  const taken = (await engineSubnets(engine)).map((s) => s.subnet);
  const result = planLab(topology, {
    lab: COMPOSE_LAB,
    owner: "bench",
    pool: subnetPool(),
    taken,
    existing: {},
  });
  if (!result.ok) throw new Error(`planning the compose lab: ${result.error}`);
  return result.plan;
}

function row(label: string, socketlab: string, compose: string): void {
  console.log(`${label.padEnd(8)}${socketlab.padStart(10)}${compose.padStart(10)}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const composeVersion = await run("docker-compose", ["version", "--short"]).catch(() => null);
if (composeVersion === null) {
  process.stderr.write(
    "docker-compose (v1) is needed: install it with `apt-get install docker-compose`\n",
  );
  process.exit(1);
}
const loaded = await loadTopologyFile(join(ROOT, TOPOLOGY));
if (!loaded.ok) throw new Error(`${TOPOLOGY} does not load; try 'socketlab validate ${TOPOLOGY}'`);
const topology = loaded.topology;
const engine = await connectEngine();

const workDir = await mkdtemp(join(tmpdir(), "socketlab-bench-"));
const composePath = join(workDir, "compose.yaml");
const compose = ["-p", COMPOSE_LAB, "-f", composePath];
const socketlabUp = ["up", TOPOLOGY, "--lab", SOCKETLAB_LAB];
const downBoth = () =>
  Promise.allSettled([
    run("./socketlab", ["down", SOCKETLAB_LAB]),
    run("docker-compose", [...compose, "down", "-t", "0"]),
  ]);

const times = { socketlab: [] as number[], compose: [] as number[] };
try {
  await writeFile(composePath, composeYaml(await planCompose(engine, topology)));
  await downBoth(); // what an interrupted earlier run may have left
  console.log(`${TOPOLOGY}: ${runs} runs each, alternating, after one warm-up (seconds)`);
  row("run", "socketlab", "compose");
  for (let i = 0; i <= runs; i++) {
    const socketlab = await timed("./socketlab", socketlabUp);
    await run("./socketlab", ["down", SOCKETLAB_LAB], stop);
    // Planned afresh each time: other labs may have claimed subnets since.
    await writeFile(composePath, composeYaml(await planCompose(engine, topology)));
    const composed = await timed("docker-compose", [...compose, "up", "-d"]);
    await run("docker-compose", [...compose, "down", "-t", "0"], stop);
    row(i === 0 ? "warm-up" : String(i), socketlab.toFixed(2), composed.toFixed(2));
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

const medians = { socketlab: median(times.socketlab), compose: median(times.compose) };
const ratio = medians.socketlab / medians.compose;
row("median", medians.socketlab.toFixed(2), medians.compose.toFixed(2));
console.log(`ratio socketlab/compose: ${ratio.toFixed(2)}`);
console.log(`note: ${NOTE}`);

const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
const resultPath = join(ROOT, "bench", "results", `up-vs-compose-${stamp}.json`);
await mkdir(dirname(resultPath), { recursive: true });
const result = {
  date: new Date().toISOString(),
  topology: TOPOLOGY,
  runs,
  machine: { cpus: cpus().length, node: process.version, compose: composeVersion.trim() },
  seconds: times,
  median: medians,
  ratio,
  note: NOTE,
};
await writeFile(resultPath, `${JSON.stringify(result, null, 2)}\n`);
console.log(`results: ${resultPath}`);
