// Each timed lab's expiry and last activity (epoch ms), so that a restarted service applies the
// same time-to-live and idle stop (classroom/lifetime.ts). Labs made outside the service have
// no row and are never timed.
import type { Db } from "./db.ts";

/** What the service keeps about a lab's time: epoch ms. */
export interface LabClock {
  lab: string;
  /** null: the lab never expires. */
  expiresAt: number | null;
  lastActivity: number;
}

interface Row {
  lab: string;
  expires_at: number | null;
  last_activity: number;
}

const clock = (r: Row): LabClock => ({
  lab: r.lab,
  expiresAt: r.expires_at,
  lastActivity: r.last_activity,
});

/**
 * Starts timing `lab` (used now). `expiresAt` undefined keeps the expiry of a lab already timed;
 * a lab timed for the first time then gets `fallback`.
 */
export function clockLab(
  db: Db,
  lab: string,
  at: number,
  expiresAt: number | null | undefined,
  fallback: number | null,
): void {
  db.prepare(
    `INSERT INTO lab_activity (lab, expires_at, last_activity) VALUES (?, ?, ?)
     ON CONFLICT (lab) DO UPDATE SET last_activity = excluded.last_activity,
       expires_at = CASE WHEN ? THEN excluded.expires_at ELSE expires_at END`,
  ).run(lab, expiresAt === undefined ? fallback : expiresAt, at, expiresAt === undefined ? 0 : 1);
}

/** A timed lab's new expiry, now used; a lab no longer timed (destroyed meanwhile) stays gone. */
export function extendLabClock(db: Db, lab: string, at: number, expiresAt: number): void {
  db.prepare("UPDATE lab_activity SET expires_at = ?, last_activity = ? WHERE lab = ?").run(
    expiresAt,
    at,
    lab,
  );
}

/** Records activity on a timed lab; an untimed lab stays untimed. */
export function touchLabClock(db: Db, lab: string, at: number): void {
  db.prepare("UPDATE lab_activity SET last_activity = ? WHERE lab = ?").run(at, lab);
}

export function labClock(db: Db, lab: string): LabClock | undefined {
  const row = db.prepare("SELECT * FROM lab_activity WHERE lab = ?").get(lab) as Row | undefined;
  return row && clock(row);
}

export function labClocks(db: Db): LabClock[] {
  return (db.prepare("SELECT * FROM lab_activity ORDER BY lab").all() as unknown as Row[]).map(
    clock,
  );
}

export function forgetLabClock(db: Db, lab: string): void {
  db.prepare("DELETE FROM lab_activity WHERE lab = ?").run(lab);
}
