// `socketlab grades CLASS --topology NAME`: a class's grades on the running service, through its
// API: a table, or the same CSV (or JSON) the dashboard's export gives.
import { type GradeGrid, gradesCsv } from "../../classroom/grades.ts";
import { type OptionSpecs, parse, printJson, printTable, UsageError } from "../args.ts";
import { serviceClient } from "../service-client.ts";
import { findClass } from "./class.ts";
import type { Command } from "./index.ts";

const options = {
  topology: { type: "string", value: "NAME", help: "the lab whose checks are graded (required)" },
  csv: {
    type: "boolean",
    default: false,
    help: "one row per student, one column per check, then score and of",
  },
  json: { type: "boolean", default: false, help: "the grid as the API gives it" },
} as const satisfies OptionSpecs;

export const grades: Command = {
  options,
  examples: [
    [
      "socketlab grades net-101 --topology dns-basics",
      "each student's checks and score, as a table",
    ],
    ["socketlab grades net-101 --topology dns-basics --csv > grades.csv", "for a spreadsheet"],
  ],
  async run(args) {
    const { values, positionals } = parse(args, options, ["CLASS"]);
    if (!values.topology) throw new UsageError("--topology NAME is needed");
    const client = await serviceClient();
    const { id } = await findClass(client, positionals[0] as string);
    const query = `topology=${encodeURIComponent(values.topology)}&format=json`;
    // Times come as ISO text; the CSV and the table use only the results.
    const grid = await client.get<GradeGrid>(
      `/api/classes/${encodeURIComponent(id)}/grades?${query}`,
    );
    if (values.json) printJson(grid);
    else if (values.csv) process.stdout.write(gradesCsv(grid));
    else {
      printTable(
        ["LOGIN", ...grid.checks.map((c) => c.id.toUpperCase()), "SCORE"],
        grid.students.map((s) => [
          s.login,
          ...grid.checks.map((c) => {
            const cell = s.cells[c.id];
            return cell == null ? "-" : cell.passed ? "pass" : "FAIL";
          }),
          `${s.score}/${grid.checks.length}`,
        ]),
      );
      if (grid.frozen) process.stdout.write("frozen: the deadline has passed\n");
    }
    return 0;
  },
};
