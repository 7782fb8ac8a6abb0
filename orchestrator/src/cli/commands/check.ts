import { type CheckResult, runChecks } from "../../labs/checks.ts";
import { parse, printJson, printTable } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const check: Command = {
  name: "check",
  synopsis: "check ID [--json]",
  summary: "run the lab's checks: which tasks are achieved (exit status 0 only if all are)",
  async run(args) {
    const { positionals, values } = parse(
      args,
      { json: { type: "boolean", default: false }, ...enginesOption },
      ["ID"],
    );
    const lab = positionals[0] as string;
    const { engine } = await labTarget(lab, poolFile(values.engines));
    const results = await runChecks(engine, lab);
    if (values.json) printJson(results);
    else printChecks(results);
    return results.every((r) => r.passed) ? 0 : 1;
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
