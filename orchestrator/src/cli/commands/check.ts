import { type CheckResult, runChecks } from "../../labs/checks.ts";
import { type OptionSpecs, parse, printJson, printTable } from "../args.ts";
import { EXIT_CHECKS_FAILED, EXIT_OK } from "../exit-status.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const options = {
  json: {
    type: "boolean",
    default: false,
    help: "every check's result as JSON (a stable interface)",
  },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const check: Command = {
  options,
  examples: [
    [
      "socketlab check ada-dns",
      "run lab ada-dns's checks: a table, and what each failed one printed",
    ],
    ["socketlab check ada-dns --json", "the same as JSON, for a script"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["ID"]);
    const lab = positionals[0] as string;
    const { engine } = await labTarget(lab, poolFile(values.engines));
    const results = await runChecks(engine, lab);
    if (values.json) printJson(results);
    else printChecks(results);
    return results.every((r) => r.passed) ? EXIT_OK : EXIT_CHECKS_FAILED;
  },
};

/** A table of the checks, then what each failed one printed: what a student needs to go on. */
function printChecks(results: CheckResult[]): void {
  if (results.length === 0) {
    process.stdout.write("this lab has no checks\n");
    return;
  }
  printTable(
    ["CHECK", "NODE", "RESULT", "TASK"],
    results.map((r) => [r.id, r.node ?? "(probe)", r.passed ? "pass" : "FAIL", r.task]),
  );
  const passed = results.filter((r) => r.passed).length;
  process.stdout.write(`${passed} of ${results.length} passed\n`);
  for (const r of results) {
    if (r.passed || r.output.trim() === "") continue;
    const lines = r.output.trimEnd().replaceAll("\n", "\n  ");
    process.stdout.write(`\n${r.id} (exit status ${r.exitCode ?? "none"}):\n  ${lines}\n`);
  }
}
