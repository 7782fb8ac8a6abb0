import { topologyFormatSchema } from "../../roles/load.ts";
import { topologyReference } from "../../topology/reference.ts";
import { type OptionSpecs, parse, printJson, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

const options = {
  format: {
    type: "string",
    default: "json",
    value: "FORMAT",
    help: "json (the JSON Schema) or markdown (the reference page, docs/reference/topology.md)",
  },
} as const satisfies OptionSpecs;

export const schema: Command = {
  options,
  examples: [
    [
      "socketlab schema > topology.schema.json",
      "the schema, for an editor that reads it from a file",
    ],
    [
      "socketlab schema --format markdown",
      "every field of the format and every role's settings, as tables",
    ],
  ],
  async run(args) {
    const { values } = parse(args, options, []);
    if (values.format === "json") printJson(topologyFormatSchema());
    else if (values.format === "markdown")
      process.stdout.write(topologyReference(topologyFormatSchema()));
    else throw new UsageError(`--format must be json or markdown, not '${values.format}'`);
    return 0;
  },
};
