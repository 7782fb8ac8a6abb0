// The gradebook's rules: which runs count, the grid of latest counted results, the CSV export.
import { describe, expect, it } from "vitest";
import {
  DEADLINE_ACTOR,
  type GradeColumn,
  gradeGrid,
  gradesCsv,
  isGraded,
} from "../../src/classroom/grades.ts";
import type { HistoryEntry } from "../../src/store/check-history.ts";
import type { Deadline } from "../../src/store/deadlines.ts";

const deadline: Deadline = { classId: "c", topology: "t", at: 1000, setBy: "i", firedAt: null };

const entry = (owner: string, check: string, passed: boolean, ranAt = 10): HistoryEntry => ({
  seq: ranAt,
  lab: `t-${owner}`,
  owner,
  topology: "t",
  check,
  task: check,
  passed,
  exitCode: passed ? 0 : 1,
  output: "",
  vantage: check === "web" ? "probe" : "node",
  node: check === "web" ? null : "server",
  ranAt,
  triggeredBy: owner,
  graded: true,
});

const columns: GradeColumn[] = [
  { id: "file", task: "a file", vantage: "node" },
  { id: "web", task: "a server", vantage: "probe" },
];

describe("isGraded", () => {
  it("counts every run without a deadline, runs before it, and the deadline's own run", () => {
    expect(isGraded(null, 5000, "alice")).toBe(true);
    expect(isGraded(deadline, 999, "alice")).toBe(true);
    expect(isGraded(deadline, 1000, "alice")).toBe(false);
    expect(isGraded(deadline, 1500, DEADLINE_ACTOR)).toBe(true);
  });
});

describe("gradeGrid", () => {
  it("has a row per student, a cell per check (null when never run) and the checks passed", () => {
    const grid = gradeGrid(
      { classId: "c", topology: "t", deadline: { ...deadline, firedAt: 1200 } },
      columns,
      [
        { login: "alice", name: "Alice" },
        { login: "bob", name: "Bob" },
      ],
      [entry("alice", "file", true), entry("alice", "web", true, 20), entry("bob", "web", false)],
    );
    expect(grid.frozen).toBe(true);
    expect(grid.deadline).toEqual({ at: 1000, firedAt: 1200 });
    expect(grid.students).toEqual([
      {
        login: "alice",
        name: "Alice",
        cells: {
          file: { passed: true, ranAt: 10, vantage: "node" },
          web: { passed: true, ranAt: 20, vantage: "probe" },
        },
        score: 2,
      },
      {
        login: "bob",
        name: "Bob",
        cells: { file: null, web: { passed: false, ranAt: 10, vantage: "probe" } },
        score: 0,
      },
    ]);
  });

  it("is not frozen before its deadline has run, nor without a deadline; drops unknown checks", () => {
    const students = [{ login: "alice", name: "A" }];
    const open = gradeGrid({ classId: "c", topology: "t", deadline }, columns, students, [
      entry("alice", "retired", true),
    ]);
    expect(open.frozen).toBe(false);
    expect(open.students[0]?.cells).toEqual({ file: null, web: null });
    expect(
      gradeGrid({ classId: "c", topology: "t", deadline: null }, columns, students, []).deadline,
    ).toBeNull();
  });
});

describe("gradesCsv", () => {
  it("writes a header, a row per student (pass, fail or empty) and the score, quoting what needs it", () => {
    const grid = gradeGrid(
      { classId: "c", topology: "t", deadline: null },
      columns,
      [
        { login: "alice", name: 'Alice "Al", Jr.' },
        { login: "bob", name: '=HYPERLINK("x")' },
      ],
      [entry("alice", "file", true), entry("alice", "web", false)],
    );
    expect(gradesCsv(grid)).toBe(
      [
        "login,name,file,web,score,of",
        'alice,"Alice ""Al"", Jr.",pass,fail,1,2',
        `bob,"'=HYPERLINK(""x"")",,,0,2`,
        "",
      ].join("\r\n"),
    );
  });
});
