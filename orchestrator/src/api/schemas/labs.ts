// Labs: the shapes of `socketlab status --json` and `socketlab ls --json` (README), with what only
// the service knows added: the lab's times, and why it stopped a node.
import { z } from "zod";
import { authErrors, errorSchema } from "./common.ts";

const labState = z
  .enum(["running", "degraded", "stopped", "unavailable"])
  .describe("unavailable: the lab's engine does not answer (docs/operator.md: Engines)");

// Added by the service to the `status --json` shape (docs/reference/service.md: "Lab lifetime").
const labTimes = {
  expiresAt: z.string().nullable().describe("when the service destroys the lab; null: never"),
  expiring: z.boolean().describe("the lab is within the warning window before its expiry"),
  idleStopAt: z
    .string()
    .nullable()
    .describe("when the lab stops unless it is used; null: idle stop off, or stopped"),
};

export const labStatusSchema = z.object({
  lab: z.string(),
  owner: z.string(),
  topology: z.string(),
  state: labState,
  networks: z.array(
    z.object({
      name: z.string(),
      subnet: z.string(),
      sniffable: z.boolean(),
      present: z.boolean(),
    }),
  ),
  nodes: z.array(
    z.object({
      name: z.string(),
      state: z.string().describe("Docker's container state, or `missing`"),
      image: z.string(),
      addresses: z.record(z.string(), z.string()).describe("network name -> address"),
      outdated: z
        .boolean()
        .describe(
          "its image was rebuilt since its container was made; a reset of the whole lab renews it",
        ),
      stopReason: z
        .object({
          cause: z
            .enum(["disk-limit"])
            .describe("disk-limit: it wrote more than SOCKETLAB_NODE_DISK"),
          bytes: z.number().int().describe("what it had written to its disk"),
          limitBytes: z.number().int(),
          at: z.string().describe("when it was stopped"),
          message: z.string().describe("why, in the words its terminals were told"),
        })
        .nullable()
        .describe(
          "why the service stopped this node on its own, while it stays stopped; null: it did not",
        ),
    }),
  ),
  ...labTimes,
});

export const labSummarySchema = z.object({
  lab: z.string(),
  owner: z.string(),
  topology: z.string(),
  state: labState,
  nodes: z.number().int(),
  running: z.number().int(),
  ...labTimes,
});

export const labParams = z.object({ id: z.string().min(1).max(64) });

export const createLabBody = z.object({
  topology: z.string().min(1).describe("a library topology's name"),
  owner: z
    .string()
    .min(1)
    .optional()
    .describe("the student's login (TAs and instructors); students may only name themselves"),
  ttl: z
    .string()
    .min(1)
    .optional()
    .describe("time to live, such as 30m or 8h (TAs and instructors), up to the service's maximum"),
});

export const resetBody = z
  .object({
    nodes: z.array(z.string().min(1)).default([]).describe("nodes to reset; none: the whole lab"),
  })
  // A request without a body resets the whole lab; Fastify hands that over as null.
  .nullish();

/** 503: the lab's engine does not answer (`engine_unavailable`), no engine takes new labs
 * (`no_engine`), or the service is shutting down (docs/operator.md: Engines). */
export const labErrors = {
  ...authErrors,
  404: errorSchema,
  409: errorSchema,
  503: errorSchema.describe(
    "engine_unavailable: the lab's engine does not answer; no_engine: no engine takes the lab; shutting_down",
  ),
} as const;
