// A lab's checks, as `socketlab check --json` prints them (README).
import { z } from "zod";

export const checkResultSchema = z.object({
  id: z.string(),
  task: z.string().describe("the task, as the handout words it"),
  vantage: z
    .enum(["node", "probe"])
    .describe(
      "where it ran: on a node of the lab (whose owner is root there) or from socketlab's probe, which no student can touch",
    ),
  node: z.string().nullable().describe("the node the check ran on; null from the probe"),
  passed: z.boolean(),
  exitCode: z
    .number()
    .int()
    .nullable()
    .describe("the command's exit status; null when it could not run or never ended"),
  output: z.string().describe("its output and errors; only the last 4 KiB"),
});

export const checkRunSchema = z.object({
  ranAt: z.string().nullable().describe("when the checks last ran; null: never"),
  results: z.array(checkResultSchema).describe("that run's results; [] when none"),
});
