import { topologyFormatSchema } from "../../roles/load.ts";
import { parse, printJson } from "../args.ts";
import type { Command } from "./index.ts";

export const schema: Command = {
  options: {},
  examples: [
    [
      "socketlab schema > topology.schema.json",
      "the schema, for an editor that reads it from a file",
    ],
  ],
  async run(args) {
    parse(args, {}, []);
    printJson(topologyFormatSchema());
    return 0;
  },
};
