import { type LabSummary, listLabs } from "../../labs/status.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { type OptionSpecs, parse, printJson, printTable } from "../args.ts";
import { enginesOption, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const options = {
  json: { type: "boolean", default: false, help: "the labs as JSON (a stable interface)" },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const ls: Command = {
  options,
  examples: [["socketlab ls", "every lab: topology, owner, state, nodes running"]],
  async run(args) {
    const { values } = parse(args, options, []);
    const file = poolFile(values.engines);
    const labs: (LabSummary & { engine?: string })[] = [];
    if (!file) {
      labs.push(...(await listLabs(await connectEngine())));
    } else {
      for (const listed of await (await import("../pool.ts")).poolLabs(file)) {
        if (listed.error !== null) {
          process.stderr.write(
            `socketlab: engine ${listed.engine} does not answer (${listed.error}); its labs are not listed\n`,
          );
        }
        labs.push(...listed.labs.map((l) => ({ ...l, engine: listed.engine })));
      }
    }
    if (values.json) {
      printJson(labs);
      return 0;
    }
    const header = ["LAB", "TOPOLOGY", "OWNER", "STATE", "NODES"];
    printTable(
      file ? [...header, "ENGINE"] : header,
      labs.map((l) => [
        l.lab,
        l.topology,
        l.owner,
        l.state,
        `${l.running}/${l.nodes}`,
        ...(l.engine ? [l.engine] : []),
      ]),
    );
    return 0;
  },
};
