// The engine a command acts on. With no pool the one engine of DOCKER_HOST (or the local socket),
// as always; with a pool (--engines FILE or SOCKETLAB_ENGINES) the engine that holds the lab,
// found by asking every engine. The pool's modules load only then: every command is a fresh
// process, and one engine's commands should not pay for them.
import { enginesFile } from "../config.ts";
import { connectEngine, type Engine } from "../runtime/engine.ts";
import type { Topology } from "../topology/model.ts";

export interface Target {
  engine: Engine;
  /** The pool's name of the engine; null: no pool. */
  name: string | null;
}

/** The --engines option of the commands that act on a lab. */
export const enginesOption = {
  engines: {
    type: "string",
    value: "FILE",
    help: "the pool of engines the lab is on (docs/operator.md: Engines); default: SOCKETLAB_ENGINES, else one engine",
  },
} as const;

/** The engines file in force: --engines, else SOCKETLAB_ENGINES; undefined: no pool. */
export function poolFile(option: string | undefined): string | undefined {
  return option === undefined ? enginesFile() : option || undefined;
}

/** The engine holding `lab`. */
export async function labTarget(lab: string, file: string | undefined): Promise<Target> {
  if (!file) return { engine: await connectEngine(), name: null };
  return (await import("./pool.ts")).engineOfLab(file, lab);
}

/** The engine socketlab's images are built on: the one engine, or the pool's first. */
export async function imageEngine(file: string | undefined): Promise<Engine> {
  if (!file) return connectEngine();
  return (await (await import("../engines/configured.ts")).configuredEngines(file)).primary;
}

/** The pool's engine to bring `lab` up on: the one that holds it, or where a new lab is placed. */
export async function upTarget(
  file: string,
  lab: string,
  owner: string,
  topology: Topology,
): Promise<Target> {
  return (await import("./pool.ts")).labPlace(file, lab, owner, topology);
}
