// Bulk jobs (one topology for every student of a class): each student's progress and the events
// a client streams, kept so that a restarted service can resume what was left unfinished.
import { randomUUID } from "node:crypto";
import { type Db, now } from "./db.ts";

export type ItemState = "queued" | "started" | "ready" | "failed";

/** What a job does for each student: bring a lab up, or run their lab's checks. */
export type JobKind = "labs" | "checks";

export interface JobItem {
  student: string;
  state: ItemState;
  lab: string | null;
  error: string | null;
}

export interface Job {
  id: string;
  kind: JobKind;
  classId: string;
  topology: string;
  concurrency: number;
  state: "running" | "finished";
  createdBy: string;
  createdAt: string;
  items: JobItem[];
}

export type JobEvent =
  | { type: "queued" | "started"; student: string }
  | { type: "ready"; student: string; lab: string }
  | { type: "failed"; student: string; error: string }
  | { type: "summary"; ready: number; failed: number; total: number };

export interface NewJob {
  kind: JobKind;
  classId: string;
  topology: string;
  concurrency: number;
  createdBy: string;
  students: string[];
}

export function createJob(db: Db, job: NewJob): string {
  const id = randomUUID();
  db.exec("BEGIN");
  try {
    db.prepare(
      "INSERT INTO jobs (id, kind, class_id, topology, concurrency, state, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
    ).run(id, job.kind, job.classId, job.topology, job.concurrency, job.createdBy, now());
    const item = db.prepare(
      "INSERT INTO job_items (job_id, student, state) VALUES (?, ?, 'queued')",
    );
    for (const student of job.students) item.run(id, student);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
  return id;
}

export function readJob(db: Db, id: string): Job | null {
  const row = db.prepare("SELECT * FROM jobs WHERE id = ?").get(id) as
    | {
        id: string;
        kind: JobKind;
        class_id: string;
        topology: string;
        concurrency: number;
        state: "running" | "finished";
        created_by: string;
        created_at: string;
      }
    | undefined;
  if (!row) return null;
  const items = db
    .prepare("SELECT student, state, lab, error FROM job_items WHERE job_id = ? ORDER BY student")
    .all(id) as unknown as JobItem[];
  return {
    id: row.id,
    kind: row.kind,
    classId: row.class_id,
    topology: row.topology,
    concurrency: row.concurrency,
    state: row.state,
    createdBy: row.created_by,
    createdAt: row.created_at,
    items,
  };
}

export function unfinishedJobs(db: Db): string[] {
  return (db.prepare("SELECT id FROM jobs WHERE state = 'running'").all() as { id: string }[]).map(
    (r) => r.id,
  );
}

export function setItem(db: Db, job: string, item: JobItem): void {
  db.prepare(
    "UPDATE job_items SET state = ?, lab = ?, error = ? WHERE job_id = ? AND student = ?",
  ).run(item.state, item.lab, item.error, job, item.student);
}

export function setJobState(db: Db, job: string, state: "running" | "finished"): void {
  db.prepare("UPDATE jobs SET state = ? WHERE id = ?").run(state, job);
}

/** Appends an event; returns its sequence number (1, 2, ...), the SSE event id. */
export function appendEvent(db: Db, job: string, event: JobEvent): number {
  const row = db
    .prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM job_events WHERE job_id = ?")
    .get(job) as { seq: number };
  db.prepare("INSERT INTO job_events (job_id, seq, event) VALUES (?, ?, ?)").run(
    job,
    row.seq,
    JSON.stringify(event),
  );
  return row.seq;
}

export function eventsAfter(
  db: Db,
  job: string,
  after: number,
): { seq: number; event: JobEvent }[] {
  const rows = db
    .prepare("SELECT seq, event FROM job_events WHERE job_id = ? AND seq > ? ORDER BY seq")
    .all(job, after) as { seq: number; event: string }[];
  return rows.map((r) => ({ seq: r.seq, event: JSON.parse(r.event) as JobEvent }));
}
