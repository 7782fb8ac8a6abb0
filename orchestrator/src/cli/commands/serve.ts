import { join } from "node:path";
import { REPO_ROOT, TOPOLOGIES_DIR } from "../../paths.ts";
import { ensureImages } from "../../runtime/images/build.ts";
import { parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

export const serve: Command = {
  name: "serve",
  synopsis: "serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--library DIR] [--engines FILE]",
  summary: "run the socketlab service (API under /api, reference at /api/docs)",
  async run(args) {
    const { values } = parse(
      args,
      {
        port: { type: "string", default: "8080" },
        host: { type: "string", default: "127.0.0.1" },
        data: { type: "string", default: join(REPO_ROOT, ".data") },
        library: { type: "string", default: TOPOLOGIES_DIR },
        engines: { type: "string" },
      },
      [],
    );
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port ${values.port} is not a port number`);
    }
    // The pool of engines (--engines or SOCKETLAB_ENGINES), or a single engine.
    const { configuredEngines } = await import("../../engines/configured.ts");
    const { specs, primary: engine } = await configuredEngines(values.engines);
    // Students' labs need socketlab's images; building them is skipped when they are current.
    // A pool's other engines receive them from this one when a lab is placed there.
    await ensureImages(engine, { log: (line) => process.stderr.write(`${line}\n`), quiet: true });
    // The service's modules (Fastify and its plugins, SQLite) load only here: every other
    // command is a short-lived process that would pay for them at each start.
    const [
      { buildApp },
      { ensureInstructor },
      { lifetimeFromEnv },
      { quotasFromEnv },
      { terminalsFromEnv },
    ] = await Promise.all([
      import("../../api/app.ts"),
      import("../../api/services/bootstrap.ts"),
      import("../../api/services/lifetime.ts"),
      import("../../api/services/quotas.ts"),
      import("../../terminals/registry.ts"),
    ]);
    const app = await buildApp({
      engine,
      ...(specs ? { engines: specs } : {}),
      dataDir: values.data,
      libraryDir: values.library,
      quotas: quotasFromEnv(),
      lifetime: lifetimeFromEnv(),
      terminals: terminalsFromEnv(),
      // JSON lines for log collectors; readable lines when a person watches the terminal.
      logger: process.stdout.isTTY
        ? { level: "info", transport: { target: "pino-pretty" } }
        : { level: "info" },
    });
    const token = ensureInstructor(app.db, process.env.SOCKETLAB_INSTRUCTOR_TOKEN);
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
    await app.listen({ port, host: values.host });
    // Runs until a signal ends the process.
    await new Promise(() => {});
    return 0;
  },
};
