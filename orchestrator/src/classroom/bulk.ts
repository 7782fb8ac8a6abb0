// Bulk jobs: one topology for every student of a class, `concurrency` at a time. Each student's
// outcome is recorded on its own, so one failure never stops the others; the events are stored
// as well as broadcast, so a client that connects late (or after a restart) sees all of them.
import { EventEmitter } from "node:events";
import type { Db } from "../store/db.ts";
import {
  appendEvent,
  createJob,
  type Job,
  type JobEvent,
  type NewJob,
  readJob,
  setItem,
  setJobState,
  unfinishedJobs,
} from "../store/jobs.ts";
import { UnavailableError, userMessage } from "./errors.ts";
import type { Log } from "./log.ts";

/** Brings up the job's topology for one student; returns the lab id. */
export type SpinUp = (job: Job, student: string) => Promise<string>;

export interface StoredEvent {
  seq: number;
  event: JobEvent;
}

/** A job's run that went to its end: how long it took and how its students fared. */
export interface FinishedRun {
  job: string;
  seconds: number;
  ready: number;
  failed: number;
}

// Its own key on the job events' emitter, which no job id can be.
const FINISHED = Symbol("finished");

export class JobRunner {
  private readonly db: Db;
  private readonly spinUp: SpinUp;
  private readonly log: Pick<Log, "error">;
  private readonly events = new EventEmitter();
  private readonly running = new Map<string, Promise<void>>();
  private stopping = false;

  constructor(db: Db, spinUp: SpinUp, log: Pick<Log, "error">) {
    this.db = db;
    this.spinUp = spinUp;
    this.log = log;
    // Every open event stream of a job listens here.
    this.events.setMaxListeners(0);
  }

  /** Records a job, announces every student as queued, and starts it. */
  submit(job: NewJob): Job {
    if (this.stopping) throw new UnavailableError("shutting_down", "the service is shutting down");
    const id = createJob(this.db, job);
    for (const student of job.students) this.emit(id, { type: "queued", student });
    this.start(id);
    return readJob(this.db, id) as Job;
  }

  /**
   * Runs whatever of a job is not finished: after a restart, students left `started` are brought
   * up again (bringing a lab up converges, so a half-made lab is completed, not duplicated).
   */
  start(id: string): Promise<void> {
    const current = this.running.get(id);
    if (current) return current;
    const run = this.run(id).finally(() => this.running.delete(id));
    this.running.set(id, run);
    return run;
  }

  resumeUnfinished(): string[] {
    const ids = unfinishedJobs(this.db);
    for (const id of ids) this.start(id);
    return ids;
  }

  /** Resolves when the job's current run ends (immediately when none runs). */
  settled(id: string): Promise<void> {
    return this.running.get(id) ?? Promise.resolve();
  }

  /** Takes no further student and waits for those under way; the job stays unfinished. */
  async drain(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running.values());
  }

  subscribe(id: string, listener: (stored: StoredEvent) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  /** Hears every job's run that finishes (the metrics' durations). */
  onFinished(listener: (run: FinishedRun) => void): () => void {
    this.events.on(FINISHED, listener);
    return () => this.events.off(FINISHED, listener);
  }

  private emit(id: string, event: JobEvent): void {
    const seq = appendEvent(this.db, id, event);
    this.events.emit(id, { seq, event });
  }

  private async run(id: string): Promise<void> {
    const job = readJob(this.db, id);
    if (!job) return;
    const began = performance.now();
    const todo = job.items.filter((i) => i.state === "queued" || i.state === "started");
    const worker = async () => {
      for (let item = todo.shift(); item && !this.stopping; item = todo.shift()) {
        const student = item.student;
        setItem(this.db, id, { student, state: "started", lab: null, error: null });
        this.emit(id, { type: "started", student });
        try {
          const lab = await this.spinUp(job, student);
          setItem(this.db, id, { student, state: "ready", lab, error: null });
          this.emit(id, { type: "ready", student, lab });
        } catch (error) {
          // Refused because the service stops (it was waiting for a place on the engine): left
          // `started`, to be brought up when the job resumes.
          if (this.stopping && error instanceof UnavailableError && error.code === "shutting_down")
            break;
          const message = this.describe(error, id, student);
          setItem(this.db, id, { student, state: "failed", lab: null, error: message });
          this.emit(id, { type: "failed", student, error: message });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, job.concurrency) }, worker));
    if (this.stopping) return;
    const items = readJob(this.db, id)?.items ?? [];
    const ready = items.filter((i) => i.state === "ready").length;
    const failed = items.filter((i) => i.state === "failed").length;
    setJobState(this.db, id, "finished");
    this.emit(id, { type: "summary", ready, failed, total: items.length });
    const seconds = (performance.now() - began) / 1000;
    this.events.emit(FINISHED, { job: id, seconds, ready, failed } satisfies FinishedRun);
  }

  /** What a client may read about a failure; unexpected errors go to the log only. */
  private describe(error: unknown, job: string, student: string): string {
    const message = userMessage(error);
    if (message !== null) return message;
    this.log.error({ err: error, job, student }, "bulk job: bringing up a lab failed");
    return "internal error; see the service log";
  }
}
