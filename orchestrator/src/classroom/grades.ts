// The gradebook's rules: which runs count (those before the deadline of the student's class for
// the topology, and the one the deadline itself triggers), and the grid of students x checks
// with each one's latest counted result and a score. Pure, apart from recording a run.
import type { CheckResult } from "../labs/checks.ts";
import { type HistoryEntry, recordHistory } from "../store/check-history.ts";
import type { Db } from "../store/db.ts";
import { type Deadline, deadlineOf } from "../store/deadlines.ts";
import { userByLogin } from "../store/users.ts";
import type { CheckVantage } from "../topology/model.ts";

/** Who the audit and the history name for the runs a deadline triggers. */
export const DEADLINE_ACTOR = "@deadline";

/** Whether a run counts toward the grade. */
export function isGraded(deadline: Deadline | null, ranAt: number, triggeredBy: string): boolean {
  return deadline === null || ranAt < deadline.at || triggeredBy === DEADLINE_ACTOR;
}

export interface LabRun {
  lab: string;
  owner: string;
  topology: string;
  ranAt: number;
  triggeredBy: string;
}

/** Keeps a run's results in the history, graded by the deadline of the owner's class. */
export function recordGradedRun(db: Db, run: LabRun, results: readonly CheckResult[]): void {
  const classId = userByLogin(db, run.owner)?.classId ?? null;
  const deadline = classId === null ? null : deadlineOf(db, classId, run.topology);
  recordHistory(db, { ...run, graded: isGraded(deadline, run.ranAt, run.triggeredBy) }, results);
}

export interface GradeColumn {
  id: string;
  task: string;
  /** node: it runs inside the student's node, where the student could fake it. */
  vantage: CheckVantage;
}

export interface GradeCell {
  passed: boolean;
  /** Epoch ms. */
  ranAt: number;
  vantage: CheckVantage;
}

export interface GradeRow {
  login: string;
  name: string;
  /** By check id; null: never run (in a counted run). */
  cells: Record<string, GradeCell | null>;
  /** Checks passed. */
  score: number;
}

export interface GradeGrid {
  classId: string;
  topology: string;
  deadline: { at: number; firedAt: number | null } | null;
  /** Whether the grades are frozen: the deadline has passed and its checks have run. */
  frozen: boolean;
  checks: GradeColumn[];
  students: GradeRow[];
}

/** The grid from each student's latest counted result per check; checks not in `checks` are left out. */
export function gradeGrid(
  base: { classId: string; topology: string; deadline: Deadline | null },
  checks: readonly GradeColumn[],
  students: readonly { login: string; name: string }[],
  latest: readonly HistoryEntry[],
): GradeGrid {
  const byOwner = new Map<string, Map<string, HistoryEntry>>();
  for (const entry of latest) {
    const own = byOwner.get(entry.owner) ?? new Map<string, HistoryEntry>();
    own.set(entry.check, entry);
    byOwner.set(entry.owner, own);
  }
  const { deadline } = base;
  return {
    classId: base.classId,
    topology: base.topology,
    deadline: deadline && { at: deadline.at, firedAt: deadline.firedAt },
    frozen: deadline?.firedAt != null,
    checks: checks.map((c) => ({ ...c })),
    students: students.map((student) => {
      const own = byOwner.get(student.login);
      const cells = Object.fromEntries(
        checks.map((check) => {
          const entry = own?.get(check.id);
          const cell = entry && {
            passed: entry.passed,
            ranAt: entry.ranAt,
            vantage: entry.vantage,
          };
          return [check.id, cell ?? null];
        }),
      );
      const score = Object.values(cells).filter((c) => c?.passed).length;
      return { login: student.login, name: student.name, cells, score };
    }),
  };
}

/**
 * One row per student, one column per check (pass, fail, or empty when never run), then the
 * score and the number of checks. Fields that hold a separator, a quote or a line break are
 * quoted; ones a spreadsheet would run as a formula get a leading apostrophe.
 */
export function gradesCsv(grid: GradeGrid): string {
  const header = ["login", "name", ...grid.checks.map((c) => c.id), "score", "of"];
  const rows = grid.students.map((s) => [
    s.login,
    s.name,
    ...grid.checks.map((c) => {
      const cell = s.cells[c.id];
      return cell == null ? "" : cell.passed ? "pass" : "fail";
    }),
    String(s.score),
    String(grid.checks.length),
  ]);
  return `${[header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
