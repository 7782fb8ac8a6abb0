// The check history: one row per check per run, bounded per owner, topology and check, never
// losing the latest graded row (the frozen grade), and the latest graded result per student.
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/labs/checks.ts";
import {
  HISTORY_OUTPUT_BYTES,
  HISTORY_PER_CHECK,
  type HistoryRun,
  labHistory,
  latestGraded,
  recordHistory,
} from "../../src/store/check-history.ts";
import { openDb } from "../../src/store/db.ts";

const result = (id: string, passed: boolean, output = ""): CheckResult => ({
  id,
  task: `task ${id}`,
  vantage: id === "probe" ? "probe" : "node",
  node: id === "probe" ? null : "client",
  passed,
  exitCode: passed ? 0 : 1,
  output,
});

const run = (rest: Partial<HistoryRun> = {}): HistoryRun => ({
  lab: "sockets-alice",
  owner: "alice",
  topology: "sockets",
  ranAt: 1000,
  triggeredBy: "alice",
  graded: true,
  ...rest,
});

describe("the check history", () => {
  it("keeps each check's result of each run, newest first, with who asked and from where", () => {
    const db = openDb(":memory:");
    recordHistory(db, run(), [result("echo", false), result("probe", false)]);
    recordHistory(db, run({ ranAt: 2000, triggeredBy: "ta-tess" }), [result("echo", true)]);
    const history = labHistory(db, "sockets-alice", "alice", 10);
    expect(
      history.map((e) => [e.check, e.passed, e.ranAt, e.triggeredBy, e.vantage, e.node]),
    ).toEqual([
      ["echo", true, 2000, "ta-tess", "node", "client"],
      ["probe", false, 1000, "alice", "probe", null],
      ["echo", false, 1000, "alice", "node", "client"],
    ]);
    expect(labHistory(db, "sockets-alice", "alice", 1)).toHaveLength(1);
    // The same lab id, later another owner's: their runs stay apart.
    recordHistory(db, run({ owner: "alicia", ranAt: 3000 }), [result("echo", false)]);
    expect(labHistory(db, "sockets-alice", "alice", 10)).toHaveLength(3);
    expect(labHistory(db, "sockets-alice", "alicia", 10)).toHaveLength(1);
  });

  it("keeps only the end of a long output", () => {
    const db = openDb(":memory:");
    recordHistory(db, run(), [result("echo", false, `${"x".repeat(5000)}the end`)]);
    const [entry] = labHistory(db, "sockets-alice", "alice", 1);
    expect(Buffer.byteLength(entry?.output ?? "")).toBeLessThanOrEqual(HISTORY_OUTPUT_BYTES + 3);
    expect(entry?.output.endsWith("the end")).toBe(true);
  });

  it("is bounded per check, and keeps the latest graded row however many later runs", () => {
    const db = openDb(":memory:");
    recordHistory(db, run({ ranAt: 1 }), [result("echo", true)]);
    for (let i = 0; i < HISTORY_PER_CHECK + 20; i++) {
      recordHistory(db, run({ ranAt: 100 + i, graded: false }), [result("echo", false)]);
    }
    const rows = labHistory(db, "sockets-alice", "alice", 1000);
    expect(rows).toHaveLength(HISTORY_PER_CHECK + 1);
    expect(rows.at(-1)).toMatchObject({ ranAt: 1, graded: true, passed: true });
    expect(latestGraded(db, "sockets", ["alice"])).toEqual([
      expect.objectContaining({ check: "echo", passed: true, ranAt: 1 }),
    ]);
  });

  it("gives each student's latest graded result per check of the topology only", () => {
    const db = openDb(":memory:");
    recordHistory(db, run({ ranAt: 1 }), [result("echo", false), result("probe", false)]);
    recordHistory(db, run({ ranAt: 2 }), [result("echo", true)]);
    recordHistory(db, run({ ranAt: 3, graded: false }), [result("echo", false)]);
    recordHistory(db, run({ owner: "bob", lab: "sockets-bob", ranAt: 4 }), [result("echo", true)]);
    recordHistory(db, run({ topology: "dns", lab: "dns-alice", ranAt: 5 }), [
      result("echo", false),
    ]);
    const latest = latestGraded(db, "sockets", ["alice", "bob"]);
    expect(latest.map((e) => [e.owner, e.check, e.passed, e.ranAt])).toEqual([
      ["alice", "probe", false, 1],
      ["alice", "echo", true, 2],
      ["bob", "echo", true, 4],
    ]);
    expect(latestGraded(db, "sockets", [])).toEqual([]);
  });
});
