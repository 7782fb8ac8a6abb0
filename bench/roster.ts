// Benchmark: a class's labs brought up through the service, next to the same labs brought up one
// after the other with docker-compose (v1), in the same run. It prints figures, never pass or
// fail.
//
//   node bench/roster.ts [--students 20] [--concurrency 4]      (npm run bench:roster)
//   node bench/roster.ts --engines 3 ...                        (as root: a pool of 3 engines)
//
// With --engines N, the service spreads the labs over N extra engines started on this machine
// (support/extra-engines.ts: own dockerd and network namespace each, the
// images the labs need copied in first), and the compose side is left out: it would measure the
// default engine. The default engine is then in the pool too, drained: the source of images.
//
// The service runs as a child process (`socketlab serve` on loopback, a fresh database, a library
// holding only the benchmark's topology), as it runs for a class. Through its API: a class of N
// students, then one bulk job; timed from the job's request to its `summary` event. Its peak
// memory is the kernel's high-water mark of its resident set (VmHWM), start-up included.
// Then the same N labs as compose projects generated from socketlab's plans (compose.ts), `up -d`
// one after the other, timed from the first plan to the last `up`. The API's labs are taken down
// before compose starts, so that each side finds the engine as empty. Tear-downs are not timed.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { downLab } from "../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../orchestrator/src/labs/status.ts";
import { loadTopologyFile } from "../orchestrator/src/roles/load.ts";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import { GUARD_IMAGE } from "../orchestrator/src/runtime/host-guard.ts";
import {
  destroyExtraEngines,
  type ExtraEngine,
  startExtraEngines,
} from "../support/extra-engines.ts";
import { freePort, memory, Service } from "../support/service.ts";
import {
  COMPOSE_NOTE,
  composeProject,
  composeYaml,
  planAroundEngine,
  requireCompose,
} from "./compose.ts";
import { interruptible, machine, ROOT, run, writeResult } from "./run.ts";

const SOURCE = "tests/fixtures/three-nodes.yaml";
/** The topology's name in the benchmark's library: its labs are `bench-roster-<login>`. */
const TOPOLOGY = "bench-roster";
const COMPOSE_PREFIX = "bench-rc";

const { values } = parseArgs({
  options: {
    students: { type: "string", default: "20" },
    concurrency: { type: "string", default: "4" },
    engines: { type: "string", default: "0" },
  },
});
const students = Number(values.students);
const concurrency = Number(values.concurrency);
const engineCount = Number(values.engines);
if (
  ![students, concurrency].every((n) => Number.isInteger(n) && n >= 1) ||
  concurrency > 32 ||
  !Number.isInteger(engineCount) ||
  engineCount < 0 ||
  engineCount > 8
) {
  process.stderr.write(
    "usage: node bench/roster.ts [--students N] [--concurrency C] [--engines E], N >= 1, 1 <= C <= 32, 0 <= E <= 8\n",
  );
  process.exit(2);
}

const stop = interruptible();
const composeVersion = engineCount > 0 ? null : await requireCompose();
const yaml = await readFile(join(ROOT, SOURCE), "utf8");
const engine = await connectEngine();
const workDir = await mkdtemp(join(tmpdir(), "socketlab-roster-"));
const libraryDir = join(workDir, "library");
await mkdir(join(libraryDir, TOPOLOGY), { recursive: true });
const topologyPath = join(libraryDir, TOPOLOGY, "topology.yaml");
await writeFile(topologyPath, yaml.replace(/^name: .*$/m, `name: ${TOPOLOGY}`));
const loaded = await loadTopologyFile(topologyPath);
if (!loaded.ok) throw new Error(`${SOURCE} does not load; try 'socketlab validate ${SOURCE}'`);
const topology = loaded.topology;
const composePath = (lab: string) => join(workDir, `${lab}.yaml`);
const enginesPath = join(workDir, "engines.yaml");
let extraEngines: ExtraEngine[] = [];

/** The bulk job through the API, timed from its request to its `summary`. */
async function throughApi(service: Service) {
  const rssBefore = memory(service.pid).rss;
  const job = await service.bulk(TOPOLOGY, students, concurrency);
  const peakRss = memory(service.pid).hwm;
  // How the pool spread the labs (one engine: all on it).
  const spread =
    extraEngines.length > 0
      ? Object.fromEntries(
          (await service.json<{ name: string; labs: number }[]>("GET", "/api/engines")).map((e) => [
            e.name,
            e.labs,
          ]),
        )
      : null;
  return { ...job, rssBefore, peakRss, spread };
}

/** Compose projects with a file written, hence maybe something on the engine to take down. */
const composed: string[] = [];

/** The same labs as compose projects, `up -d` one after the other. */
async function throughCompose() {
  const start = performance.now();
  for (let i = 1; i <= students; i++) {
    const lab = `${COMPOSE_PREFIX}-${i}`;
    // Planned just before its `up`: the labs before it hold their subnets by then.
    await writeFile(composePath(lab), composeYaml(await planAroundEngine(engine, topology, lab)));
    composed.push(lab);
    await run("docker-compose", [...composeProject(lab, composePath(lab)), "up", "-d"], stop);
  }
  return { seconds: (performance.now() - start) / 1000 };
}

async function inBatches<T>(items: T[], size: number, act: (item: T) => Promise<unknown>) {
  const results: PromiseSettledResult<unknown>[] = [];
  for (let i = 0; i < items.length; i += size) {
    results.push(...(await Promise.allSettled(items.slice(i, i + size).map(act))));
  }
  for (const r of results) {
    if (r.status === "rejected") process.stderr.write(`clean-up failed: ${r.reason}\n`);
  }
}

/** Every lab of the benchmark's topology on the engine, whoever made it. */
async function downApiLabs(): Promise<void> {
  const labs = (await listLabs(engine)).filter((l) => l.topology === TOPOLOGY);
  await inBatches(labs, 4, (l) => downLab(engine, l.lab));
}

async function downComposeLabs(): Promise<void> {
  await inBatches(composed, 4, (lab) =>
    run("docker-compose", [...composeProject(lab, composePath(lab)), "down", "-t", "0"]),
  );
}

let service: Service | undefined;
let api: Awaited<ReturnType<typeof throughApi>> | undefined;
let compose: Awaited<ReturnType<typeof throughCompose>> | undefined;
try {
  await downApiLabs(); // what an interrupted earlier run may have left
  if (engineCount > 0) {
    process.stderr.write(`starting ${engineCount} extra engines...\n`);
    const images = [...new Set(topology.nodes.map((n) => n.image)), GUARD_IMAGE];
    const names = Array.from({ length: engineCount }, (_, i) => `bench${i + 1}`);
    extraEngines = await startExtraEngines(names, images);
    const pool = extraEngines.map((e) => `  - { name: ${e.name}, host: "${e.host}" }`);
    await writeFile(
      enginesPath,
      `engines:\n  - { name: default, host: local, drained: true }\n${pool.join("\n")}\n`,
    );
  }
  service = new Service({
    port: await freePort(),
    dataDir: join(workDir, "data"),
    libraryDir,
    args: extraEngines.length > 0 ? ["--engines", enginesPath] : [],
    signal: stop,
  });
  await service.ready();
  process.stderr.write(`${students} labs through the API, ${concurrency} at a time...\n`);
  api = await throughApi(service);
  await service.stop();
  await downApiLabs();
  if (engineCount === 0) {
    process.stderr.write(`${students} labs with docker-compose, one after the other...\n`);
    compose = await throughCompose();
  }
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  await service?.stop();
  await downApiLabs();
  await downComposeLabs();
  // The extra engines' labs go with them.
  await destroyExtraEngines(extraEngines);
  await rm(workDir, { recursive: true, force: true });
}
if (stop.aborted || !api || (engineCount === 0 && !compose)) process.exit(130);

const perMinute = (seconds: number) => (students / seconds) * 60;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const composeFigure = (figure: (c: NonNullable<typeof compose>) => string) =>
  compose ? figure(compose) : "-";
const rows: [string, string, string][] = [
  ["", "socketlab API", "docker-compose"],
  ["how", `bulk job, ${concurrency} at a time`, composeFigure(() => "up -d, one by one")],
  [
    "engines",
    engineCount > 0 ? `${engineCount} extra` : "the default",
    composeFigure(() => "the default"),
  ],
  ["labs ready / failed", `${api.ready} / ${api.failed}`, composeFigure(() => `${students} / 0`)],
  ["total seconds", api.seconds.toFixed(1), composeFigure((c) => c.seconds.toFixed(1))],
  [
    "labs per minute",
    perMinute(api.seconds).toFixed(1),
    composeFigure((c) => perMinute(c.seconds).toFixed(1)),
  ],
  ["service RSS before the job", mb(api.rssBefore), "-"],
  ["service peak RSS (VmHWM)", mb(api.peakRss), "-"],
];
console.log(`${students} labs of ${SOURCE} (3 nodes, 2 networks each)`);
for (const [label, a, b] of rows)
  console.log(`${label.padEnd(28)}${a.padStart(24)}${b.padStart(20)}`);
if (api.spread) console.log(`labs per engine: ${JSON.stringify(api.spread)}`);
if (compose) console.log(`note: ${COMPOSE_NOTE}`);

const resultPath = await writeResult(engineCount > 0 ? `roster-${engineCount}-engines` : "roster", {
  date: new Date().toISOString(),
  topology: SOURCE,
  students,
  concurrency,
  engines: engineCount,
  machine: machine(composeVersion ? { compose: composeVersion } : {}),
  api: { ...api, labsPerMinute: perMinute(api.seconds) },
  ...(compose
    ? { compose: { ...compose, labsPerMinute: perMinute(compose.seconds) }, note: COMPOSE_NOTE }
    : {}),
});
console.log(`results: ${resultPath}`);
