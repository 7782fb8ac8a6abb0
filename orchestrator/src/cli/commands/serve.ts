import { join } from "node:path";
import { REPO_ROOT, TOPOLOGIES_DIR } from "../../paths.ts";
import { parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

export const serve: Command = {
  name: "serve",
  synopsis: "serve [--port 8080] [--host 127.0.0.1] [--data DIR] [--library DIR] [--engines FILE]",
  summary: "run the socketlab service (the dashboard, and the API with its reference under /api)",
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
    const { runService } = await import("../../service.ts");
    return runService({
      port,
      host: values.host,
      dataDir: values.data,
      libraryDir: values.library,
      enginesFile: values.engines,
      log: (line) => process.stderr.write(`${line}\n`),
    });
  },
};
