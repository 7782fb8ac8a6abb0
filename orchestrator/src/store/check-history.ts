// Every check run's results, one row per check, so that the gradebook shows each student's latest
// state and a student their own history. Bounded: per owner, topology and check, only the newest
// HISTORY_PER_CHECK rows are kept, and the latest graded one, which holds the grade once a
// deadline froze it, whatever the student ran since.
import { type CheckResult, outputTail } from "../labs/checks.ts";
import type { CheckVantage } from "../topology/model.ts";
import type { Db } from "./db.ts";

/** Rows kept per owner, topology and check (a student who checks in a loop fills no disk). */
export const HISTORY_PER_CHECK = 50;
/** Bytes of a check's output kept in the history: its end, where errors are. */
export const HISTORY_OUTPUT_BYTES = 1024;

export interface HistoryRun {
  lab: string;
  owner: string;
  topology: string;
  /** Epoch ms. */
  ranAt: number;
  /** The login that asked for the run, or the service's actor (a deadline). */
  triggeredBy: string;
  /** False when run after the deadline of the owner's class for the topology. */
  graded: boolean;
}

export interface HistoryEntry {
  seq: number;
  lab: string;
  owner: string;
  topology: string;
  check: string;
  task: string;
  passed: boolean;
  exitCode: number | null;
  output: string;
  vantage: CheckVantage;
  node: string | null;
  ranAt: number;
  triggeredBy: string;
  graded: boolean;
}

export function recordHistory(db: Db, run: HistoryRun, results: readonly CheckResult[]): void {
  const insert = db.prepare(
    `INSERT INTO check_history (lab, owner, topology, check_id, task, passed, exit_code, output,
       vantage, node, ran_at, triggered_by, graded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const prune = db.prepare(
    `DELETE FROM check_history WHERE owner = ?1 AND topology = ?2 AND check_id = ?3
       AND seq NOT IN (SELECT seq FROM check_history WHERE owner = ?1 AND topology = ?2
         AND check_id = ?3 ORDER BY seq DESC LIMIT ?4)
       AND seq IS NOT (SELECT MAX(seq) FROM check_history WHERE owner = ?1 AND topology = ?2
         AND check_id = ?3 AND graded = 1)`,
  );
  db.exec("BEGIN");
  try {
    for (const r of results) {
      insert.run(
        run.lab,
        run.owner,
        run.topology,
        r.id,
        r.task,
        r.passed ? 1 : 0,
        r.exitCode,
        outputTail(r.output, HISTORY_OUTPUT_BYTES),
        r.vantage,
        r.node,
        run.ranAt,
        run.triggeredBy,
        run.graded ? 1 : 0,
      );
      prune.run(run.owner, run.topology, r.id, HISTORY_PER_CHECK);
    }
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

/** The latest graded result of each check of `topology` for each of `owners`. */
export function latestGraded(db: Db, topology: string, owners: readonly string[]): HistoryEntry[] {
  if (owners.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT * FROM check_history WHERE seq IN (
         SELECT MAX(seq) FROM check_history WHERE topology = ? AND graded = 1
           AND owner IN (${owners.map(() => "?").join(", ")})
         GROUP BY owner, check_id)
       ORDER BY owner, seq`,
    )
    .all(topology, ...owners);
  return rows.map(toEntry);
}

/**
 * A lab's runs while `owner` held it, newest first, at most `limit` rows (a lab id freed by one
 * owner may later be another's: their runs stay apart).
 */
export function labHistory(db: Db, lab: string, owner: string, limit: number): HistoryEntry[] {
  return db
    .prepare("SELECT * FROM check_history WHERE lab = ? AND owner = ? ORDER BY seq DESC LIMIT ?")
    .all(lab, owner, limit)
    .map(toEntry);
}

function toEntry(row: Record<string, unknown>): HistoryEntry {
  return {
    seq: row.seq as number,
    lab: row.lab as string,
    owner: row.owner as string,
    topology: row.topology as string,
    check: row.check_id as string,
    task: row.task as string,
    passed: row.passed === 1,
    exitCode: row.exit_code as number | null,
    output: row.output as string,
    vantage: row.vantage as CheckVantage,
    node: row.node as string | null,
    ranAt: row.ran_at as number,
    triggeredBy: row.triggered_by as string,
    graded: row.graded === 1,
  };
}
