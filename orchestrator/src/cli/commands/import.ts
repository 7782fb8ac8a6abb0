import { basename, dirname, resolve, sep } from "node:path";
import { diskFolder } from "../../compose-import/folder.ts";
import { importCompose, REPORT_FILE } from "../../compose-import/import.ts";
import { labName } from "../../compose-import/names.ts";
import { reportLines } from "../../compose-import/report.ts";
import { FolderExistsError, writeFolder } from "../../compose-import/write.ts";
import { formatDiagnostic } from "../../topology/diagnostics.ts";
import { MAX_DOCUMENT_BYTES } from "../../topology/document.ts";
import { readSmallFile } from "../../topology/sources.ts";
import { type OptionSpecs, parse } from "../args.ts";
import type { Command } from "./index.ts";

const options = {
  output: {
    type: "string",
    short: "o",
    value: "DIR",
    help: "the folder to write (default: ./NAME); never overwritten",
  },
  name: {
    type: "string",
    value: "NAME",
    help: "the topology's name (default: from the compose file's folder)",
  },
} as const satisfies OptionSpecs;

export const importCommand: Command = {
  options,
  examples: [
    [
      "socketlab import Labsetup/docker-compose.yml -o dns-local",
      "a SEED lab as topology folder dns-local, with a report",
    ],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["FILE"]);
    const file = positionals[0] as string;
    const read = await readSmallFile(file, MAX_DOCUMENT_BYTES);
    if (!read.ok) {
      process.stderr.write(`${file}:1:1: the compose file ${read.reason}\n`);
      return 1;
    }
    const name = values.name ?? labName(resolve(dirname(file)).split(sep));
    const result = await importCompose({
      text: read.data.toString("utf8"),
      file,
      folder: diskFolder(dirname(file)),
      name,
    });
    if (!result.ok) {
      for (const d of result.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      process.stderr.write("nothing was written\n");
      return 1;
    }
    const output = values.output ?? name;
    try {
      await writeFolder(output, result.files);
    } catch (error) {
      if (!(error instanceof FolderExistsError)) throw error;
      process.stderr.write(`${error.message}: choose another with -o DIR; nothing was written\n`);
      return 1;
    }
    for (const line of reportLines(result.report, ["check", "changed", "dropped"])) {
      process.stderr.write(`${line}\n`);
    }
    process.stdout.write(
      `${output}: ${result.report.nodes.length} nodes from ${basename(file)}; read ${output}/${REPORT_FILE}, then: socketlab validate ${output}/topology.yaml\n`,
    );
    return 0;
  },
};
