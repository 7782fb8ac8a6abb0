// The service as a process: the API app over the configured engines, with the settings the
// environment gives, listening until a signal ends it. The CLI's `serve` runs it; its modules
// (Fastify and its plugins, SQLite) load only then, as every other command is a short-lived
// process that would pay for them at each start.
import { configuredEngines } from "./engines/configured.ts";
import { checkLoaderSettings } from "./roles/load.ts";
import { ensureImages } from "./runtime/images/build.ts";

export interface ServiceOptions {
  port: number;
  host: string;
  /** Folder of the SQLite database. */
  dataDir: string;
  libraryDir: string;
  /** The engines file; undefined: SOCKETLAB_ENGINES, else one engine. */
  enginesFile: string | undefined;
  /** Where progress lines go (the images' build). */
  log: (line: string) => void;
}

/** Runs the service; never returns (a signal closes it and ends the process). */
export async function runService(options: ServiceOptions): Promise<never> {
  // Every setting is read first, so that a wrong one stops the start before anything is done.
  checkLoaderSettings();
  const config = await import("./config.ts");
  const settings = {
    quotas: config.quotasFromEnv(),
    lifetime: config.lifetimeFromEnv(),
    terminals: config.terminalsFromEnv(),
    nodeDiskBytes: config.nodeDiskLimit(),
    trustProxy: config.trustProxy(),
    level: config.logLevel(),
    metricsToken: config.metricsToken(),
    instructorToken: config.instructorToken(),
  };
  const { specs, primary: engine, source } = await configuredEngines(options.enginesFile);
  // Students' labs need socketlab's images; building them is skipped when they are current.
  // A pool's other engines receive them from this one when a lab is placed there.
  await ensureImages(engine, { log: options.log, quiet: true });
  const [{ buildApp }, { ensureInstructor }] = await Promise.all([
    import("./api/app.ts"),
    import("./classroom/bootstrap.ts"),
  ]);
  const app = await buildApp({
    engine,
    ...(specs ? { engines: specs } : {}),
    ...(source ? { engineSource: source } : {}),
    dataDir: options.dataDir,
    libraryDir: options.libraryDir,
    quotas: settings.quotas,
    lifetime: settings.lifetime,
    terminals: settings.terminals,
    nodeDiskBytes: settings.nodeDiskBytes,
    trustProxy: settings.trustProxy,
    ...(settings.metricsToken ? { metrics: { token: settings.metricsToken } } : {}),
    // JSON lines for log collectors; readable lines when a person watches the terminal.
    logger: process.stdout.isTTY
      ? { level: settings.level, transport: { target: "pino-pretty" } }
      : { level: settings.level },
  });
  const token = ensureInstructor(app.db, settings.instructorToken);
  if (token) {
    process.stdout.write(
      `\nThe instructor's token (shown this once; only its hash is kept):\n  ${token}\n\n`,
    );
  }
  // Closing lets labs being brought up finish; labs themselves keep running.
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, "shutting down; labs keep running");
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
  await app.listen({ port: options.port, host: options.host });
  // Runs until a signal ends the process.
  return new Promise<never>(() => {});
}
