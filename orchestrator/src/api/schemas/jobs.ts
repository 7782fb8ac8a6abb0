// Bulk jobs.
import { z } from "zod";

export const bulkBody = z.object({
  topology: z.string().min(1),
  concurrency: z.number().int().min(1).max(32).default(4),
});

export const jobSchema = z.object({
  id: z.string(),
  kind: z
    .enum(["labs", "checks"])
    .describe("labs: each student's lab brought up; checks: each student's lab checked"),
  classId: z.string(),
  topology: z.string(),
  concurrency: z.number().int(),
  state: z.enum(["running", "finished"]),
  createdBy: z.string(),
  createdAt: z.string(),
  items: z.array(
    z.object({
      student: z.string(),
      state: z.enum(["queued", "started", "ready", "failed"]),
      lab: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const jobParams = z.object({ id: z.string().min(1) });
