import { resetNodes } from "../../labs/lifecycle.ts";
import { parse } from "../args.ts";
import { terminalProgress } from "../progress.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const reset: Command = {
  options: enginesOption,
  examples: [
    [
      "socketlab reset ada-dns attacker",
      "node attacker of lab ada-dns anew from its image (its files are lost)",
    ],
    ["socketlab reset ada-dns", "every node of the lab anew"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, enginesOption, ["ID"]);
    const [lab, ...nodes] = positionals as [string, ...string[]];
    const { engine } = await labTarget(lab, poolFile(values.engines));
    const report = await resetNodes(engine, lab, nodes, terminalProgress());
    const done = [...report.created, ...report.recreated];
    process.stdout.write(`lab ${lab}: reset ${done.length > 0 ? done.join(", ") : "nothing"}\n`);
    return 0;
  },
};
