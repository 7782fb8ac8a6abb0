// The last run of each lab's checks, so that a page opened later shows each task's state and
// when it was checked without running every check again. The lab service forgets it when it
// destroys a lab or brings a new one up under the same id (store/db.ts holds the table).
import type { CheckResult } from "../labs/checks.ts";
import type { Db } from "./db.ts";

export interface CheckRun {
  /** Epoch ms. */
  ranAt: number;
  results: CheckResult[];
}

/** Keeps this run as the lab's last (each result's output is already bounded by the checks). */
export function recordCheckRun(db: Db, lab: string, run: CheckRun): void {
  db.prepare(
    `INSERT INTO check_runs (lab, ran_at, results) VALUES (?, ?, ?)
     ON CONFLICT (lab) DO UPDATE SET ran_at = excluded.ran_at, results = excluded.results`,
  ).run(lab, run.ranAt, JSON.stringify(run.results));
}

export function lastCheckRun(db: Db, lab: string): CheckRun | undefined {
  const row = db.prepare("SELECT ran_at, results FROM check_runs WHERE lab = ?").get(lab) as
    | { ran_at: number; results: string }
    | undefined;
  return row && { ranAt: row.ran_at, results: JSON.parse(row.results) as CheckResult[] };
}

export function forgetCheckRuns(db: Db, lab: string): void {
  db.prepare("DELETE FROM check_runs WHERE lab = ?").run(lab);
}
