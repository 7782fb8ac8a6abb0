import { topologyFormatSchema } from "../../roles/load.ts";
import { parse, printJson } from "../args.ts";
import type { Command } from "./index.ts";

export const schema: Command = {
  name: "schema",
  synopsis: "schema",
  summary: "print the topology format as a JSON Schema, for editors (README: Topologies)",
  async run(args) {
    parse(args, {}, []);
    printJson(topologyFormatSchema());
    return 0;
  },
};
