// The connection to a Docker engine. Every other runtime module takes an `Engine`, so that a
// class is spread over several engines (orchestrator/src/engines) without those modules changing.
import Docker from "dockerode";

export type Engine = Docker;

export class EngineUnavailableError extends Error {}

/**
 * Connects to DOCKER_HOST, or the local socket (or, given `options`, the engine they name: an
 * engine of a pool), and checks that an engine answers.
 */
export async function connectEngine(
  options?: Docker.DockerOptions,
  name?: string,
): Promise<Engine> {
  const docker = new Docker(options);
  try {
    await docker.ping();
  } catch (error) {
    const where = name ?? process.env.DOCKER_HOST ?? "/var/run/docker.sock";
    throw new EngineUnavailableError(
      `no Docker engine answers at ${where} (${errorMessage(error)}); start one, e.g. with the README's set-up command`,
    );
  }
  return docker;
}

/** Docker answers 404 for a missing object; anything else is a real failure. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | null)?.statusCode === 404;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // dockerode puts the engine's own explanation in `json.message`.
    const engineMessage = (error as { json?: { message?: string } }).json?.message;
    return engineMessage ?? error.message;
  }
  return String(error);
}

export async function imageId(engine: Engine, reference: string): Promise<string | null> {
  try {
    return (await engine.getImage(reference).inspect()).Id;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
