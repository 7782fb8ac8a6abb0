// What the benchmarks that go through the service share: a library of one topology in a folder of
// their own, the service started on it, and taking down every lab of that topology.
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downLab } from "../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../orchestrator/src/labs/status.ts";
import type { Engine } from "../orchestrator/src/runtime/engine.ts";
import { freePort, Service } from "../support/service.ts";
import { ROOT } from "./run.ts";

/**
 * A new temporary folder with a library holding `yaml` as the topology `topology`; returns the
 * folder (for the service's data too) and the library.
 */
export async function benchLibrary(
  prefix: string,
  topology: string,
  yaml: string,
): Promise<{ workDir: string; libraryDir: string }> {
  const workDir = await mkdtemp(join(tmpdir(), prefix));
  const libraryDir = join(workDir, "library");
  await mkdir(join(libraryDir, topology), { recursive: true });
  await writeFile(join(libraryDir, topology, "topology.yaml"), yaml);
  return { workDir, libraryDir };
}

/** The topology file `source` (from the project root) with its name changed to `topology`. */
export async function renamedTopology(source: string, topology: string): Promise<string> {
  const yaml = await readFile(join(ROOT, source), "utf8");
  return yaml.replace(/^name: .*$/m, `name: ${topology}`);
}

/** The service on a free port, its data in `workDir`, serving `libraryDir`; once it is ready. */
export async function startService(
  workDir: string,
  libraryDir: string,
  signal: AbortSignal,
): Promise<Service> {
  const service = new Service({
    port: await freePort(),
    dataDir: join(workDir, "data"),
    libraryDir,
    signal,
  });
  await service.ready();
  return service;
}

/** Takes down every lab of `topology` on the engine, `atOnce` at a time. */
export async function downLabsOf(engine: Engine, topology: string, atOnce: number): Promise<void> {
  const labs = (await listLabs(engine)).filter((l) => l.topology === topology);
  for (let i = 0; i < labs.length; i += atOnce) {
    await Promise.allSettled(labs.slice(i, i + atOnce).map((l) => downLab(engine, l.lab)));
  }
}
