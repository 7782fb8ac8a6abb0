import { downLab } from "../../labs/lifecycle.ts";
import { parse } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const down: Command = {
  options: enginesOption,
  examples: [
    ["socketlab down ada-dns", "remove lab ada-dns: its containers, networks and host rules"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, enginesOption, ["ID"]);
    const lab = positionals[0] as string;
    const target = await labTarget(lab, poolFile(values.engines));
    await downLab(target.engine, lab);
    process.stdout.write(
      `lab ${lab}: down${target.name === null ? "" : ` (engine ${target.name})`}\n`,
    );
    return 0;
  },
};
