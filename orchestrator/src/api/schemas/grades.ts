// The gradebook: a class's grid, deadlines, and a lab's check history.
import { z } from "zod";
import { LIBRARY_NAME } from "../../classroom/library-name.ts";

const vantage = z
  .enum(["node", "probe"])
  .describe("node: the check runs inside the student's node, where they could fake it");

export const gradesQuery = z.object({
  topology: z.string().regex(LIBRARY_NAME),
  format: z
    .enum(["json", "csv"])
    .default("json")
    .describe("csv: one row per student, one column per check, then score and of"),
});

export const gradeGridSchema = z.object({
  classId: z.string(),
  topology: z.string(),
  deadline: z
    .object({ at: z.string(), firedAt: z.string().nullable() })
    .nullable()
    .describe("firedAt: when the service ran every student's checks for it"),
  frozen: z.boolean().describe("the deadline passed and its checks ran: later runs do not count"),
  checks: z.array(z.object({ id: z.string(), task: z.string(), vantage })),
  students: z.array(
    z.object({
      login: z.string(),
      name: z.string(),
      cells: z.record(
        z.string(),
        z.object({ passed: z.boolean(), ranAt: z.string(), vantage }).nullable(),
      ),
      score: z.number().int().describe("checks passed"),
    }),
  ),
});

export const deadlineSchema = z.object({
  classId: z.string(),
  topology: z.string(),
  at: z.string(),
  setBy: z.string(),
  firedAt: z.string().nullable(),
});

export const deadlineParams = z.object({
  id: z.string().min(1),
  topology: z.string().regex(LIBRARY_NAME),
});
export const deadlineBody = z.object({ at: z.iso.datetime({ offset: true }) });

export const classChecksBody = z.object({
  topology: z.string().regex(LIBRARY_NAME),
  concurrency: z.number().int().min(1).max(16).default(4),
});

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const historyEntrySchema = z.object({
  check: z.string(),
  task: z.string(),
  passed: z.boolean(),
  exitCode: z.number().int().nullable(),
  output: z.string().describe("the end of its output, 1 KiB at most"),
  vantage,
  node: z.string().nullable(),
  ranAt: z.string(),
  triggeredBy: z.string().describe("who asked: a login, or @deadline"),
  graded: z.boolean().describe("false: run after the deadline, kept but not counted"),
});
