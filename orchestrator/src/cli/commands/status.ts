import { type LabStatus, labStatus } from "../../labs/status.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { parse, printJson, printTable } from "../args.ts";
import type { Command } from "./index.ts";

export const status: Command = {
  name: "status",
  synopsis: "status ID [--json]",
  summary: "a lab's state, its nodes and their addresses",
  async run(args) {
    const { positionals, values } = parse(args, { json: { type: "boolean", default: false } }, [
      "ID",
    ]);
    const lab = positionals[0] as string;
    const current = await labStatus(await connectEngine(), lab);
    if (!current) {
      process.stderr.write(`socketlab: no lab '${lab}' on this engine\n`);
      return 1;
    }
    if (values.json) printJson(current);
    else printLabStatus(current);
    return 0;
  },
};

export function printLabStatus(lab: LabStatus): void {
  process.stdout.write(
    `lab ${lab.lab} (topology ${lab.topology}, owner ${lab.owner}): ${lab.state}\n`,
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
