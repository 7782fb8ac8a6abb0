import { handoutProblems } from "../../handout/check.ts";
import { formatDiagnostic, loadTopologyFile } from "../../topology/load.ts";
import { parse } from "../args.ts";
import type { Command } from "./index.ts";

export const validate: Command = {
  name: "validate",
  synopsis: "validate FILE...",
  summary: "check topology files and their handouts; every problem as FILE:LINE:COL, exit 1 if any",
  async run(args) {
    const { positionals: files } = parse(args, {}, ["FILE"]);
    let failed = false;
    for (const file of files) {
      const loaded = await loadTopologyFile(file);
      const handout = loaded.ok ? await handoutProblems(file, loaded.topology) : [];
      const result = handout.length > 0 ? { ok: false as const, diagnostics: handout } : loaded;
      if (result.ok) {
        const { nodes, networks } = result.topology;
        process.stdout.write(`${file}: ok (${nodes.length} nodes, ${networks.length} networks)\n`);
      } else {
        failed = true;
        for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};
