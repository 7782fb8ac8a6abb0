// The connection to a Docker engine. Every other runtime module takes an `Engine` (the narrow
// port of docker/port.ts), so that a class is spread over several engines
// (orchestrator/src/engines) without those modules changing.
import { type ConnectionOptions, dockerodeEngine } from "./docker/dockerode.ts";
import { type Engine, EngineRequestError } from "./docker/port.ts";

export type { Engine } from "./docker/port.ts";

export class EngineUnavailableError extends Error {}

/**
 * Connects to DOCKER_HOST, or the local socket (or, given `options`, the engine they name: an
 * engine of a pool), and checks that an engine answers.
 */
export async function connectEngine(options?: ConnectionOptions, name?: string): Promise<Engine> {
  const engine = dockerodeEngine(options);
  try {
    await engine.ping();
  } catch (error) {
    const where = name ?? process.env.DOCKER_HOST ?? "/var/run/docker.sock";
    throw new EngineUnavailableError(
      `no Docker engine answers at ${where} (${errorMessage(error)}); start one, e.g. with the README's set-up command`,
    );
  }
  return engine;
}

/** Docker answers 404 for a missing object; anything else is a real failure. */
export function isNotFound(error: unknown): boolean {
  return hasStatus(error, 404);
}

/** Whether the engine refused the request with `status` (304: nothing to do, 409: conflict). */
export function hasStatus(error: unknown, status: number): boolean {
  return error instanceof EngineRequestError && error.statusCode === status;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function imageId(engine: Engine, reference: string): Promise<string | null> {
  try {
    return (await engine.images.inspect(reference)).Id;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
