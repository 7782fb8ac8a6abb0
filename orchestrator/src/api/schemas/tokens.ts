// Users' tokens: revocation and reissue, and the service's settings.
import { z } from "zod";
import { MAX_CLASS_TERM_DAYS } from "../../classroom/term.ts";

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
  classTermDays: z
    .number()
    .int()
    .min(1)
    .max(MAX_CLASS_TERM_DAYS)
    .describe("a new class's term, in days from its creation, unless it names its end"),
});
