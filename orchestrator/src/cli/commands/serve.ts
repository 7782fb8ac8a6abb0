import { join } from "node:path";
import { REPO_ROOT, TOPOLOGIES_DIR } from "../../paths.ts";
import { type OptionSpecs, parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

const options = {
  port: { type: "string", default: "8080", value: "PORT", help: "the port to listen on" },
  host: {
    type: "string",
    default: "127.0.0.1",
    value: "ADDRESS",
    help: "the address to listen on (0.0.0.0: every one)",
  },
  data: {
    type: "string",
    default: join(REPO_ROOT, ".data"),
    defaultHelp: "the repository's .data/",
    value: "DIR",
    help: "the folder of the service's database and recordings",
  },
  library: {
    type: "string",
    default: TOPOLOGIES_DIR,
    defaultHelp: "the repository's topologies/",
    value: "DIR",
    help: "the topology library",
  },
  engines: {
    type: "string",
    value: "FILE",
    help: "a pool of engines to spread labs over (docs/operator.md: Engines)",
  },
} as const satisfies OptionSpecs;

export const serve: Command = {
  options,
  examples: [
    ["socketlab serve", "the dashboard and API on http://127.0.0.1:8080"],
    [
      "socketlab serve --host 0.0.0.0 --engines engines.yaml",
      "for a classroom, with labs spread over several engines",
    ],
  ],
  async run(args) {
    const { values } = parse(args, options, []);
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
