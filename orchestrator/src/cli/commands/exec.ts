import { nodeContainer } from "../../labs/lifecycle.ts";
import { execAttached } from "../../runtime/attach.ts";
import { parse } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const exec: Command = {
  options: enginesOption,
  examples: [
    ["socketlab exec ada-dns attacker", "a login shell on node attacker of lab ada-dns"],
    [
      "socketlab exec ada-dns client -- dig www.example.com",
      "one command; its exit status is socketlab's",
    ],
  ],
  async run(args) {
    const { positionals, values } = parse(args, enginesOption, ["ID", "NODE"]);
    const [lab, node, ...command] = positionals as [string, string, ...string[]];
    const { engine } = await labTarget(lab, poolFile(values.engines));
    const container = await nodeContainer(engine, lab, node);
    const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
    return execAttached(engine, container, command.length > 0 ? command : ["/bin/bash", "-l"], {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      tty,
    });
  },
};
