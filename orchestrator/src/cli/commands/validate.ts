import { handoutProblems } from "../../handout/check.ts";
import { loadTopologyFile } from "../../roles/load.ts";
import { type Diagnostic, formatDiagnostic } from "../../topology/diagnostics.ts";
import { type OptionSpecs, parse, printJson, UsageError } from "../args.ts";
import { EXIT_FAILED, EXIT_OK } from "../exit-status.ts";
import type { Command } from "./index.ts";

const FORMATS = ["text", "json", "github"] as const;
type Format = (typeof FORMATS)[number];

const options = {
  format: {
    type: "string",
    default: "text",
    value: "FORMAT",
    help: "text (FILE:LINE:COL: ...), json, or github (annotations for GitHub Actions)",
  },
} as const satisfies OptionSpecs;

/** One file's verdict. */
interface Validation {
  file: string;
  ok: boolean;
  nodes: number;
  networks: number;
  diagnostics: Diagnostic[];
}

export const validate: Command = {
  options,
  examples: [
    ["socketlab validate topologies/*/topology.yaml", "every library topology and its handout"],
    [
      "socketlab validate --format github labs/*/topology.yaml",
      "in a GitHub Actions step: each problem shows on its line of the pull request",
    ],
  ],
  async run(args) {
    const { positionals: files, values } = parse(args, options, ["FILE"]);
    const format = values.format as Format;
    if (!FORMATS.includes(format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, not '${format}'`);
    }
    const results = await Promise.all(files.map(validateFile));
    if (format === "json") printJson(results);
    else for (const result of results) print(result, format);
    return results.every((r) => r.ok) ? EXIT_OK : EXIT_FAILED;
  },
};

async function validateFile(file: string): Promise<Validation> {
  const loaded = await loadTopologyFile(file);
  if (!loaded.ok)
    return { file, ok: false, nodes: 0, networks: 0, diagnostics: loaded.diagnostics };
  const { nodes, networks } = loaded.topology;
  const diagnostics = await handoutProblems(file, loaded.topology);
  return {
    file,
    ok: diagnostics.length === 0,
    nodes: nodes.length,
    networks: networks.length,
    diagnostics,
  };
}

function print(result: Validation, format: "text" | "github"): void {
  if (result.ok) {
    process.stdout.write(
      `${result.file}: ok (${result.nodes} nodes, ${result.networks} networks)\n`,
    );
    return;
  }
  for (const d of result.diagnostics) {
    if (format === "text") process.stderr.write(`${formatDiagnostic(d)}\n`);
    // GitHub's workflow command: read from stdout, shown on the file's line in the pull request.
    else {
      const where = `file=${githubProperty(d.file)},line=${d.line},col=${d.col}`;
      process.stdout.write(`::error ${where}::${githubData(message(d))}\n`);
    }
  }
}

function message(d: Diagnostic): string {
  return d.field === "" ? d.message : `${d.field}: ${d.message}`;
}

/** A workflow command's message, escaped as GitHub requires. */
function githubData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** A workflow command's property value (a file name): also ':' and ',' escaped. */
function githubProperty(text: string): string {
  return githubData(text).replaceAll(":", "%3A").replaceAll(",", "%2C");
}
