import { connectEngine } from "../../runtime/engine.ts";
import { type OptionSpecs, parse, printJson, printTable } from "../args.ts";
import { enginesOption, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const MiB = 1024 ** 2;

const options = {
  json: { type: "boolean", default: false, help: "the engines as JSON" },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const engines: Command = {
  options,
  examples: [
    [
      "socketlab engines --engines engines.yaml",
      "each engine of the file: answers or not, drained, labs and memory",
    ],
  ],
  async run(args) {
    const { values } = parse(args, options, []);
    // The pool's modules load here only: the other commands' starts do not pay for them. With a
    // file no engine is connected to first: an engine that does not answer is listed as such.
    const file = poolFile(values.engines);
    const [{ filePool }, { SingleEngine }, { quotasFromEnv }] = await Promise.all([
      import("../pool.ts"),
      import("../../engines/single.ts"),
      import("../../config.ts"),
    ]);
    const engines = file
      ? await filePool(file)
      : new SingleEngine(await connectEngine(), quotasFromEnv().perEngine);
    const reports = await engines.reports();
    if (values.json) {
      printJson(reports.map(({ owners: _owners, ...report }) => report));
      return 0;
    }
    const limit = (used: number, cap: number | null, unit = 1) =>
      `${Math.ceil(used / unit)}/${cap === null ? "-" : Math.floor(cap / unit)}`;
    printTable(
      ["ENGINE", "HOST", "STATE", "LABS", "MEMORY (MiB)"],
      reports.map((r) => [
        r.name,
        r.host,
        !r.available ? `unreachable: ${r.error}` : r.drained ? "drained" : "open",
        limit(r.labs, r.capacity.labs),
        limit(r.memoryBytes, r.capacity.memoryBytes, MiB),
      ]),
    );
    return 0;
  },
};
