import { type LabStatus, labStatus } from "../../labs/status.ts";
import { type OptionSpecs, parse, printJson, printTable } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const options = {
  json: { type: "boolean", default: false, help: "the lab's status as JSON (a stable interface)" },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const status: Command = {
  options,
  examples: [
    ["socketlab status ada-dns", "lab ada-dns's state, and each node's state and addresses"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["ID"]);
    const lab = positionals[0] as string;
    const target = await labTarget(lab, poolFile(values.engines));
    const current = await labStatus(target.engine, lab);
    if (!current) {
      const where = target.name === null ? "this engine" : "any engine of the pool";
      process.stderr.write(`socketlab: no lab '${lab}' on ${where}\n`);
      return 1;
    }
    if (values.json)
      printJson(target.name === null ? current : { ...current, engine: target.name });
    else printLabStatus(current, target.name);
    return 0;
  },
};

/** `engine`: the pool's engine that holds the lab; null: no pool. */
export function printLabStatus(lab: LabStatus, engine: string | null): void {
  const on = engine === null ? "" : ` on engine ${engine}`;
  process.stdout.write(
    `lab ${lab.lab} (topology ${lab.topology}, owner ${lab.owner})${on}: ${lab.state}\n`,
  );
  const networks = lab.networks.map((n) => n.name);
  printTable(
    ["NODE", "STATE", ...networks.map((n) => n.toUpperCase())],
    lab.nodes.map((node) => [
      node.name,
      node.state,
      ...networks.map((n) => node.addresses[n] ?? "-"),
    ]),
  );
}
