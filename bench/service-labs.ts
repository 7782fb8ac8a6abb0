// What the benchmarks that go through the service share: a folder of their own with a library of
// one topology and the service's data, the service started on it, and removing every lab of that
// topology.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downLab } from "../orchestrator/src/labs/lifecycle.ts";
import { LABELS } from "../orchestrator/src/plan/types.ts";
import type { Engine } from "../orchestrator/src/runtime/engine.ts";
import { freePort, Service } from "../support/service.ts";
import { ROOT } from "./run.ts";

/** A benchmark's folder: its library, holding one topology, and the service's data. */
export interface BenchFolder {
  dir: string;
  libraryDir: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

/** A new folder whose library holds `yaml` as the topology `topology`. */
export async function benchFolder(topology: string, yaml: string): Promise<BenchFolder> {
  const dir = await mkdtemp(join(tmpdir(), `socketlab-${topology}-`));
  const libraryDir = join(dir, "library");
  await mkdir(join(libraryDir, topology), { recursive: true });
  await writeFile(join(libraryDir, topology, "topology.yaml"), yaml);
  return { dir, libraryDir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The service on a free port with the folder's library and data, answering; `stop` aborts its
 * calls; `env`: its settings.
 */
export async function startService(
  folder: BenchFolder,
  stop: AbortSignal,
  env: Record<string, string> = {},
): Promise<Service> {
  const service = new Service({
    port: await freePort(),
    dataDir: join(folder.dir, "data"),
    libraryDir: folder.libraryDir,
    signal: stop,
    env,
  });
  await service.ready();
  return service;
}

/**
 * Removes every lab of `topology` on the engine, `batch` at a time: each object it left (a
 * container, a network, its record) names its lab, so that a lab whose creation was cut short
 * (the benchmark interrupted) goes too.
 */
export async function removeBenchLabs(
  engine: Engine,
  topology: string,
  batch: number,
): Promise<void> {
  const filter = { labels: [`${LABELS.topology}=${topology}`] };
  const [containers, networks, volumes] = await Promise.all([
    engine.containers.list({ ...filter, all: true }),
    engine.networks.list(filter),
    engine.volumes.list(filter),
  ]);
  const labs = [
    ...new Set(
      [...containers, ...networks, ...volumes].flatMap((o) => o.Labels?.[LABELS.lab] ?? []),
    ),
  ];
  for (let i = 0; i < labs.length; i += batch) {
    await Promise.allSettled(labs.slice(i, i + batch).map((lab) => downLab(engine, lab)));
  }
}

/** The topology file `source` (from the project root) with its name changed to `topology`. */
export async function renamedTopology(source: string, topology: string): Promise<string> {
  const yaml = await readFile(join(ROOT, source), "utf8");
  return yaml.replace(/^name: .*$/m, `name: ${topology}`);
}
