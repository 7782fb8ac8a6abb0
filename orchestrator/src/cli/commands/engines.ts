import { parse, printJson, printTable } from "../args.ts";
import type { Command } from "./index.ts";

const MiB = 1024 ** 2;

export const engines: Command = {
  name: "engines",
  synopsis: "engines [--engines FILE] [--json]",
  summary: "the engines file's engines (not those added through the API), with their load",
  async run(args) {
    const { values } = parse(
      args,
      { engines: { type: "string" }, json: { type: "boolean", default: false } },
      [],
    );
    // The pool's modules load here only: the other commands' starts do not pay for them.
    const [{ configuredEngines }, { EnginePool }, { quotasFromEnv }] = await Promise.all([
      import("../../engines/configured.ts"),
      import("../../engines/pool.ts"),
      import("../../api/services/quotas.ts"),
    ]);
    const { specs, primary } = await configuredEngines(values.engines);
    const cap = quotasFromEnv().perEngine;
    const pool = specs
      ? EnginePool.fromSpecs(specs, undefined, cap)
      : EnginePool.single(primary, cap);
    const reports = await pool.reports();
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
