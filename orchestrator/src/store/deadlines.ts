// Deadlines: per class and topology, the moment the service runs every student's checks once
// and after which runs no longer count.
import type { Db } from "./db.ts";

export interface Deadline {
  classId: string;
  topology: string;
  /** Epoch ms. */
  at: number;
  setBy: string;
  /** When the service ran the class's checks for it; null until then. */
  firedAt: number | null;
}

/** Sets (or moves) a deadline; a moved deadline fires again. */
export function setDeadline(db: Db, deadline: Omit<Deadline, "firedAt">): void {
  db.prepare(
    `INSERT INTO deadlines (class_id, topology, at, set_by, fired_at) VALUES (?, ?, ?, ?, NULL)
     ON CONFLICT (class_id, topology) DO UPDATE SET at = excluded.at, set_by = excluded.set_by,
       fired_at = NULL`,
  ).run(deadline.classId, deadline.topology, deadline.at, deadline.setBy);
}

export function removeDeadline(db: Db, classId: string, topology: string): boolean {
  return (
    db.prepare("DELETE FROM deadlines WHERE class_id = ? AND topology = ?").run(classId, topology)
      .changes > 0
  );
}

export function deadlineOf(db: Db, classId: string, topology: string): Deadline | null {
  const row = db
    .prepare("SELECT * FROM deadlines WHERE class_id = ? AND topology = ?")
    .get(classId, topology);
  return row ? toDeadline(row) : null;
}

export function deadlinesOfClass(db: Db, classId: string): Deadline[] {
  return db
    .prepare("SELECT * FROM deadlines WHERE class_id = ? ORDER BY at")
    .all(classId)
    .map(toDeadline);
}

/** Deadlines passed at `now` whose checks have not run yet. */
export function dueDeadlines(db: Db, now: number): Deadline[] {
  return db
    .prepare("SELECT * FROM deadlines WHERE at <= ? AND fired_at IS NULL ORDER BY at")
    .all(now)
    .map(toDeadline);
}

export function markFired(db: Db, classId: string, topology: string, at: number): void {
  db.prepare("UPDATE deadlines SET fired_at = ? WHERE class_id = ? AND topology = ?").run(
    at,
    classId,
    topology,
  );
}

function toDeadline(row: Record<string, unknown>): Deadline {
  return {
    classId: row.class_id as string,
    topology: row.topology as string,
    at: row.at as number,
    setBy: row.set_by as string,
    firedAt: row.fired_at as number | null,
  };
}
