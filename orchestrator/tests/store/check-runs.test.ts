import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../src/labs/checks.ts";
import { forgetCheckRuns, lastCheckRun, recordCheckRun } from "../../src/store/check-runs.ts";
import { openDb } from "../../src/store/db.ts";

const result = (id: string, passed: boolean): CheckResult => ({
  id,
  task: `task ${id}`,
  vantage: "node",
  node: "client",
  passed,
  exitCode: passed ? 0 : 1,
  output: passed ? "" : "no",
});

function db() {
  return openDb(":memory:");
}

describe("the last run of a lab's checks", () => {
  it("is none before the checks ever ran", () => {
    expect(lastCheckRun(db(), "lab-a")).toBeUndefined();
  });

  it("is the latest run, per lab", () => {
    const store = db();
    recordCheckRun(store, "lab-a", { ranAt: 1000, results: [result("one", false)] });
    recordCheckRun(store, "lab-a", { ranAt: 2000, results: [result("one", true)] });
    recordCheckRun(store, "lab-b", { ranAt: 1500, results: [] });
    expect(lastCheckRun(store, "lab-a")).toEqual({ ranAt: 2000, results: [result("one", true)] });
    expect(lastCheckRun(store, "lab-b")).toEqual({ ranAt: 1500, results: [] });
  });

  it("is forgotten per lab", () => {
    const store = db();
    recordCheckRun(store, "lab-a", { ranAt: 1000, results: [result("one", true)] });
    recordCheckRun(store, "lab-b", { ranAt: 1000, results: [result("one", true)] });
    forgetCheckRuns(store, "lab-a");
    expect(lastCheckRun(store, "lab-a")).toBeUndefined();
    expect(lastCheckRun(store, "lab-b")).toBeDefined();
  });
});
