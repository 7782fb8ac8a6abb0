// The signed-in user, as the dashboard needs it to choose its pages.
import { z } from "zod";

export const meSchema = z.object({
  login: z.string(),
  name: z.string(),
  role: z.enum(["instructor", "ta", "student"]),
  class: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .describe("the user's class (students and TAs); null for instructors"),
});
