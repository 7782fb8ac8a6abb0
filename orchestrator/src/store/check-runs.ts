// The last run of each lab's checks, so that a page opened later shows each task's state and
// when it was checked without running every check again. A lab the service destroys (or lets
// expire) loses its row with its clock: a new lab of the same id starts unchecked.
import type { CheckResult } from "../labs/checks.ts";
import type { Db } from "./db.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS check_runs (
  lab TEXT PRIMARY KEY,
  ran_at INTEGER NOT NULL,
  results TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS check_runs_forget AFTER DELETE ON lab_activity
BEGIN
  DELETE FROM check_runs WHERE lab = OLD.lab;
END;
`;

export interface CheckRun {
  /** Epoch ms. */
  ranAt: number;
  results: CheckResult[];
}

export function ensureCheckRuns(db: Db): void {
  db.exec(SCHEMA);
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
