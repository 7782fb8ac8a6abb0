// Quotas without an engine: the students' and classes' quotas on a real (in-memory) database, and
// the engine's queue, which is given the list of labs "on the engine" as a function, so that
// labs can appear and vanish exactly when a test says. The same rules on the real engine, through
// the API: tests/integration/api/quotas.test.ts.
import { describe, expect, it } from "vitest";
import { HTTP_STATUS } from "../../src/api/errors.ts";
import { EngineQueue } from "../../src/classroom/engine-queue.ts";
import { DomainError } from "../../src/classroom/errors.ts";
import { checkQuotas } from "../../src/classroom/quotas.ts";
import { DEFAULT_QUOTAS, quotasFromEnv } from "../../src/config.ts";
import { openDb } from "../../src/store/db.ts";
import { createClass, createUser } from "../../src/store/users.ts";
import { oneEngine } from "./one-engine.ts";

/** Lets every pending promise callback run (the queue's rounds await the engine's list). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function refusal(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${HTTP_STATUS[error.kind]} ${error.code}: ${error.message}`;
  }
}

describe("quotas from the environment", () => {
  it("default to 3 labs per student and no class or engine limit", () => {
    expect(quotasFromEnv({})).toEqual({ perStudent: 3, perClass: null, perEngine: null });
    expect(quotasFromEnv({ SOCKETLAB_LABS_PER_STUDENT: " " })).toEqual(DEFAULT_QUOTAS);
  });

  it("take whole numbers from 1, and name the variable that is wrong", () => {
    const env = {
      SOCKETLAB_LABS_PER_STUDENT: "1",
      SOCKETLAB_LABS_PER_CLASS: "40",
      SOCKETLAB_LABS_PER_ENGINE: "100",
    };
    expect(quotasFromEnv(env)).toEqual({ perStudent: 1, perClass: 40, perEngine: 100 });
    for (const bad of ["0", "-2", "1.5", "many"]) {
      expect(() => quotasFromEnv({ SOCKETLAB_LABS_PER_CLASS: bad })).toThrow(
        `SOCKETLAB_LABS_PER_CLASS must be a whole number from 1, not '${bad}'`,
      );
    }
  });
});

describe("students' and classes' quotas", () => {
  const db = openDb(":memory:");
  const classA = createClass(db, "a", null).id;
  const classB = createClass(db, "b", null).id;
  for (const login of ["a1", "a2"])
    createUser(db, { login, name: login, role: "student", classId: classA });
  createUser(db, { login: "b1", name: "b1", role: "student", classId: classB });
  createUser(db, { login: "ta", name: "ta", role: "ta", classId: classA });
  createUser(db, { login: "lone", name: "lone", role: "student" });
  const quotas = { perStudent: 2, perClass: 3, perEngine: null };

  it("refuse a student's lab beyond their quota, counting only their own labs", () => {
    expect(refusal(() => checkQuotas(db, quotas, "a1", ["a1", "b1", "b1"]))).toBeNull();
    expect(refusal(() => checkQuotas(db, quotas, "a1", ["a1", "a1"]))).toBe(
      "409 quota_exceeded: a1 holds 2 labs, a student's quota; destroy one first",
    );
  });

  it("refuse a lab beyond the class's quota, counting its students' labs only", () => {
    const held = ["a1", "a1", "a2", "b1", "ta", "ta", "instructor"];
    expect(refusal(() => checkQuotas(db, quotas, "a2", held))).toBe(
      "409 quota_exceeded: the class of a2 holds 3 labs, its quota; destroy one first",
    );
    expect(refusal(() => checkQuotas(db, quotas, "b1", held))).toBeNull();
    // A student in no class has only their own quota.
    expect(refusal(() => checkQuotas(db, quotas, "lone", held))).toBeNull();
  });

  it("leave staff's own labs alone", () => {
    expect(refusal(() => checkQuotas(db, quotas, "ta", ["ta", "ta", "ta", "ta"]))).toBeNull();
    expect(refusal(() => checkQuotas(db, quotas, "instructor", ["instructor"]))).toBeNull();
  });
});

describe("the engine's cap", () => {
  function queue(limit: number | null, onEngine: string[]) {
    const q = new EngineQueue(oneEngine(limit, async () => [...onEngine]));
    const admitted: string[] = [];
    const enter = (lab: string) => q.enter(lab).then(() => void admitted.push(lab));
    return { q, admitted, enter };
  }

  it("admits at once while there is room, then queues, first come first served", async () => {
    const onEngine = ["old"];
    const { q, admitted, enter } = queue(3, onEngine);
    for (const lab of ["a", "b", "c", "d"]) void enter(lab);
    await settle();
    expect({ admitted, queued: q.queued }).toEqual({ admitted: ["a", "b"], queued: 2 });

    // a is brought up: its record holds the place it had while being brought up.
    onEngine.push("a");
    q.leave("a");
    await settle();
    expect(admitted).toEqual(["a", "b"]);

    // b fails: its place is free again, for the first in line.
    q.leave("b");
    await settle();
    expect({ admitted, queued: q.queued }).toEqual({ admitted: ["a", "b", "c"], queued: 1 });

    // A lab destroyed by the service frees a place.
    onEngine.splice(onEngine.indexOf("old"), 1);
    q.freed();
    await settle();
    expect({ admitted, queued: q.queued }).toEqual({ admitted: ["a", "b", "c", "d"], queued: 0 });
  });

  it("notices labs removed behind its back at its next look", async () => {
    const onEngine = ["x", "y"];
    const q = new EngineQueue(
      oneEngine(2, async () => [...onEngine]),
      10,
    );
    let admitted = false;
    const entered = q.enter("z").then(() => {
      admitted = true;
    });
    await settle();
    expect(admitted).toBe(false);
    onEngine.pop(); // e.g. `socketlab down`: the service is not told
    await entered;
    expect(admitted).toBe(true);
  });

  it("refuses whoever still waits when the service stops", async () => {
    const { q, enter } = queue(1, ["full"]);
    const waiting = enter("late");
    await settle();
    q.close();
    await expect(waiting).rejects.toMatchObject({ kind: "unavailable", code: "shutting_down" });
    expect(q.queued).toBe(0);
  });

  it("never waits without a cap", async () => {
    const { q, admitted, enter } = queue(
      null,
      Array.from({ length: 500 }, (_, i) => `l${i}`),
    );
    await Promise.all(["a", "b"].map(enter));
    expect({ admitted, queued: q.queued }).toEqual({ admitted: ["a", "b"], queued: 0 });
  });
});
