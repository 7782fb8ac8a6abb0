// Users' tokens: revocation and reissue, and the service's settings.
import { z } from "zod";

export const userParams = z.object({ login: z.string().min(1).max(100) });

export const revokedSchema = z.object({
  login: z.string(),
  revoked: z.number().int().describe("tokens that were in force"),
});

export const reissuedSchema = z.object({
  login: z.string(),
  token: z.string().describe("shown once; only its hash is kept; every older token is revoked"),
});

export const settingsSchema = z.object({
  // The range is the domain's (classroom/term.ts), which names it in its refusal.
  classTermDays: z
    .number()
    .int()
    .describe("a new class's term, in days from its creation, unless it names its end"),
});
