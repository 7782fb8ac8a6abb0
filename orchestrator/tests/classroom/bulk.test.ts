// The bulk-job runner on its own: the spin-up is a function given to it, so that failures and
// concurrency can be arranged exactly. The real spin-up is tested against the engine in
// tests/integration/api/bulk.test.ts.
import { describe, expect, it } from "vitest";
import { JobRunner, type StoredEvent } from "../../src/classroom/bulk.ts";
import { EngineQueue } from "../../src/classroom/engine-queue.ts";
import { openDb } from "../../src/store/db.ts";
import { readJob } from "../../src/store/jobs.ts";
import { createClass } from "../../src/store/users.ts";
import { oneEngine } from "./one-engine.ts";

/** Collects what the runner logs, to check that hidden details do reach the log. */
const logged: unknown[] = [];
const log = { error: (entry: unknown) => logged.push(entry) };
const students = Array.from({ length: 7 }, (_, i) => `s${i}`);

function setUp(spinUp: (student: string) => Promise<string>) {
  const db = openDb(":memory:");
  const classId = createClass(db, "c", null).id;
  const runner = new JobRunner(db, (_job, student) => spinUp(student), log);
  return { db, runner, classId };
}

describe("bulk jobs", () => {
  it("runs at most `concurrency` students at once; a failure stops no one", async () => {
    let active = 0;
    let peak = 0;
    const { runner, classId } = setUp(async (student) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      if (student === "s2") throw new Error("boom with /var/lib/docker details");
      return `lab-${student}`;
    });
    const events: StoredEvent[] = [];
    const job = runner.submit({
      kind: "labs",
      classId,
      topology: "t",
      concurrency: 3,
      createdBy: "i",
      students,
    });
    runner.subscribe(job.id, (e) => events.push(e));
    await runner.settled(job.id);
    expect(peak).toBe(3);
    const final = events.at(-1)?.event;
    expect(final).toEqual({ type: "summary", ready: 6, failed: 1, total: 7 });
    const failed = events.find((e) => e.event.type === "failed")?.event;
    // An unexpected error is logged, not shown.
    expect(failed).toEqual({
      type: "failed",
      student: "s2",
      error: "internal error; see the service log",
    });
    expect(logged).toContainEqual(expect.objectContaining({ job: job.id, student: "s2" }));
  });

  it("records every event in order, for clients that connect late", async () => {
    const { db, runner, classId } = setUp(async (student) => `lab-${student}`);
    const job = runner.submit({
      kind: "labs",
      classId,
      topology: "t",
      concurrency: 2,
      createdBy: "i",
      students,
    });
    await runner.settled(job.id);
    const stored = db
      .prepare("SELECT seq, event FROM job_events WHERE job_id = ? ORDER BY seq")
      .all(job.id) as {
      seq: number;
      event: string;
    }[];
    expect(stored.map((r) => r.seq)).toEqual(stored.map((_, i) => i + 1));
    const types = stored.map((r) => JSON.parse(r.event).type);
    expect(types.slice(0, 7)).toEqual(Array(7).fill("queued"));
    expect(types.filter((t) => t === "started")).toHaveLength(7);
    expect(types.filter((t) => t === "ready")).toHaveLength(7);
    expect(types.at(-1)).toBe("summary");
    expect(readJob(db, job.id)?.state).toBe("finished");
  });

  it("stops taking students when drained and resumes the rest in a new process", async () => {
    const db = openDb(":memory:");
    const classId = createClass(db, "c", null).id;
    const done: string[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = new JobRunner(
      db,
      async (_job, student) => {
        await gate;
        done.push(student);
        return `lab-${student}`;
      },
      log,
    );
    const job = first.submit({
      kind: "labs",
      classId,
      topology: "t",
      concurrency: 2,
      createdBy: "i",
      students,
    });
    const drained = first.drain();
    release();
    await drained;
    expect(done).toEqual(["s0", "s1"]);
    expect(readJob(db, job.id)?.state).toBe("running");
    // A restarted service: a new runner on the same database.
    const second = new JobRunner(
      db,
      async (_job, student) => {
        done.push(student);
        return `lab-${student}`;
      },
      log,
    );
    expect(second.resumeUnfinished()).toEqual([job.id]);
    await second.settled(job.id);
    expect(done.toSorted()).toEqual(students);
    const after = readJob(db, job.id);
    expect(after?.state).toBe("finished");
    expect(after?.items.every((i) => i.state === "ready")).toBe(true);
  });

  it("leaves students waiting for a place on the engine to the next start, not failed", async () => {
    const queue = new EngineQueue(oneEngine(1, async () => ["a lab that fills the engine"]));
    const { db, runner, classId } = setUp(async (student) => {
      await queue.enter(student);
      return `lab-${student}`;
    });
    const job = runner.submit({
      kind: "labs",
      classId,
      topology: "t",
      concurrency: 2,
      createdBy: "i",
      students,
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.queued).toBe(2);
    // As the service stops (plugins/services.ts): drain, then refuse whoever waits.
    const drained = runner.drain();
    queue.close();
    await drained;
    const items = readJob(db, job.id)?.items ?? [];
    expect(items.map((i) => i.state)).toEqual(["started", "started", ...Array(5).fill("queued")]);
    expect(readJob(db, job.id)?.state).toBe("running");
  });
});
