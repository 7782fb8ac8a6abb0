import { listLabs } from "../../labs/status.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { parse, printJson, printTable } from "../args.ts";
import type { Command } from "./index.ts";

export const ls: Command = {
  name: "ls",
  synopsis: "ls [--json]",
  summary: "every lab on the engine",
  async run(args) {
    const { values } = parse(args, { json: { type: "boolean", default: false } }, []);
    const labs = await listLabs(await connectEngine());
    if (values.json) {
      printJson(labs);
    } else {
      printTable(
        ["LAB", "TOPOLOGY", "OWNER", "STATE", "NODES"],
        labs.map((l) => [l.lab, l.topology, l.owner, l.state, `${l.running}/${l.nodes}`]),
      );
    }
    return 0;
  },
};
