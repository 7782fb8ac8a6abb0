// The audit log: who signed in, reset or destroyed what, and when. Instructors read it.
import { type Db, now } from "./db.ts";

export interface AuditRecord {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

export function audit(db: Db, actor: string, action: string, target: string, detail?: unknown) {
  db.prepare("INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)").run(
    now(),
    actor,
    action,
    target,
    detail === undefined ? null : JSON.stringify(detail),
  );
}

/** The newest records first, at most `limit`, older than `before` when given. */
export function readAudit(db: Db, limit: number, before?: number): AuditRecord[] {
  const rows = db
    .prepare("SELECT * FROM audit WHERE seq < ? ORDER BY seq DESC LIMIT ?")
    .all(before ?? Number.MAX_SAFE_INTEGER, limit) as {
    seq: number;
    at: string;
    actor: string;
    action: string;
    target: string;
    detail: string | null;
  }[];
  return rows.map((r) => ({ ...r, detail: r.detail === null ? null : JSON.parse(r.detail) }));
}
