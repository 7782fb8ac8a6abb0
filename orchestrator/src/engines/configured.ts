// The pool the service and the CLI use: the engines file named by --engines or
// SOCKETLAB_ENGINES (a list of engines, or a swarm whose nodes are the engines), or, with none, a
// single engine (DOCKER_HOST or the local socket).
import { parse as parseYaml } from "yaml";
import { enginesFile } from "../config.ts";
import { dockerodeSwarm } from "../runtime/docker/dockerode.ts";
import { connectEngine, type Engine, errorMessage } from "../runtime/engine.ts";
import { type EngineSource, SwarmSource } from "./source.ts";
import {
  describeHost,
  dockerOptions,
  type EngineSpec,
  EngineSpecError,
  parseEnginesFile,
  readEnginesText,
} from "./spec.ts";
import { toSwarmSettings } from "./swarm.ts";

export interface ConfiguredEngines {
  /** The pool's engines; undefined: no pool, `primary` alone. */
  specs: EngineSpec[] | undefined;
  /** The first engine (checked to answer): socketlab's images are built there. */
  primary: Engine;
  /** Where the pool learns of engines as they come (a swarm); undefined: the file's list. */
  source?: EngineSource;
}

export async function configuredEngines(file = enginesFile()): Promise<ConfiguredEngines> {
  if (!file) return { specs: undefined, primary: await connectEngine() };
  const { specs, source } = await readEngines(file);
  return {
    specs,
    primary: await connectTo(specs[0] as EngineSpec),
    ...(source ? { source } : {}),
  };
}

/**
 * The engines file's engines: its list, or the nodes its swarm's manager lists now with the
 * swarm as their source. Not one of them is contacted but the manager.
 */
export async function readEngines(
  file: string,
): Promise<{ specs: EngineSpec[]; source?: EngineSource }> {
  const text = readEnginesText(file);
  const swarm = swarmSection(text);
  if (swarm === undefined) return { specs: parseEnginesFile(text, file) };
  const settings = (() => {
    try {
      return toSwarmSettings(swarm);
    } catch (error) {
      throw new EngineSpecError(`${file}: ${errorMessage(error)}`);
    }
  })();
  const source = new SwarmSource(dockerodeSwarm(dockerOptions(settings.manager)), settings);
  const where = `the swarm manager at ${describeHost(settings.manager)}`;
  const listed = await source.engines().catch((error: unknown) => {
    throw new EngineSpecError(`${file}: ${where} does not list its nodes (${errorMessage(error)})`);
  });
  if (listed.specs.length === 0) {
    throw new EngineSpecError(
      `${file}: ${where} lists no node that can be an engine${listed.problems.length > 0 ? `: ${listed.problems.join("; ")}` : ""}`,
    );
  }
  return { specs: listed.specs, source };
}

/** The file's `swarm:` section; undefined when it has none (a list of engines). */
function swarmSection(text: string): unknown {
  try {
    const document = parseYaml(text) as { swarm?: unknown } | null;
    return document?.swarm ?? undefined;
  } catch {
    // parseEnginesFile says what is wrong with the YAML.
    return undefined;
  }
}

function connectTo(spec: EngineSpec): Promise<Engine> {
  return connectEngine(dockerOptions(spec), `engine ${spec.name} (${describeHost(spec)})`);
}
