import { z } from "zod";

export const auditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.coerce.number().int().optional().describe("only records older than this seq"),
});

export const auditSchema = z.array(
  z.object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    target: z.string(),
    detail: z.unknown(),
  }),
);
