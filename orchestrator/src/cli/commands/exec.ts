import { nodeContainer } from "../../labs/lifecycle.ts";
import { execAttached } from "../../runtime/attach.ts";
import { parse } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const exec: Command = {
  name: "exec",
  synopsis: "exec ID NODE [-- CMD...]",
  summary: "run a command on a node (a login shell if none); its exit status is passed through",
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
