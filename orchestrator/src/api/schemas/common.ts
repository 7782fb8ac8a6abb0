// Shapes shared by every route: errors and the bearer-token security requirement.
import { z } from "zod";

export const errorSchema = z.object({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/**
 * The error answers a route with a token may give (429: too many tokens that are not valid, or
 * on checks and captures, too many of them under way for the lab or the user).
 */
export const authErrors = { 401: errorSchema, 403: errorSchema, 429: errorSchema } as const;

export const bearer = [{ bearer: [] }];
