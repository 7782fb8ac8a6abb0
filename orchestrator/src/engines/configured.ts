// The pool the service and the CLI use: the engines file named by --engines or
// SOCKETLAB_ENGINES, or, with none, a single engine (DOCKER_HOST or the local socket).
import { enginesFile } from "../config.ts";
import { connectEngine, type Engine } from "../runtime/engine.ts";
import { describeHost, dockerOptions, type EngineSpec, readEnginesFile } from "./spec.ts";

export interface ConfiguredEngines {
  /** The pool's engines; undefined: no pool, `primary` alone. */
  specs: EngineSpec[] | undefined;
  /** The first engine (checked to answer): socketlab's images are built there. */
  primary: Engine;
}

export async function configuredEngines(file = enginesFile()): Promise<ConfiguredEngines> {
  if (!file) return { specs: undefined, primary: await connectEngine() };
  const specs = readEnginesFile(file);
  const first = specs[0] as EngineSpec;
  return {
    specs,
    primary: await connectEngine(
      dockerOptions(first),
      `engine ${first.name} (${describeHost(first)})`,
    ),
  };
}
