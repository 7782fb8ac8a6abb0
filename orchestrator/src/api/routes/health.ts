// Liveness (the process answers) and readiness (an engine that takes labs answers and the
// database is open). With a pool, readiness lists every engine's state: one engine down leaves
// the service ready on the others. Both routes need no token; the readiness's details (which
// part fails, the engines' names and errors) go only to signed-in staff, as they tell anyone
// else how the platform is built.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";

const engineState = z.object({
  name: z.string(),
  available: z.boolean().describe("answers"),
  drained: z.boolean().describe("takes no new lab"),
  error: z.string().nullable().describe("why it does not answer"),
});

const readiness = z.object({
  ready: z.boolean(),
  engine: z
    .boolean()
    .optional()
    .describe("staff only: an engine answers (with a pool: one that is not drained)"),
  db: z.boolean().optional().describe("staff only: the database answers"),
  engines: z
    .array(engineState)
    .optional()
    .describe("staff only, with a pool only (docs/operator.md: Engines): every engine's state"),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/health",
    { schema: { tags: ["service"], response: { 200: z.object({ status: z.literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );
  app.get(
    "/api/ready",
    { schema: { tags: ["service"], response: { 200: readiness, 503: readiness } } },
    async (request, reply) => {
      const checked = await app.engines.readiness((error, message) =>
        request.log.warn({ err: error }, message),
      );
      let db = false;
      try {
        db = app.db.isOpen && app.db.prepare("SELECT 1").get() !== undefined;
      } catch (error) {
        request.log.warn({ err: error }, "database not usable");
      }
      const ready = checked.engine && db;
      const staff = request.user !== null && request.user.role !== "student";
      return reply.code(ready ? 200 : 503).send(staff ? { ready, db, ...checked } : { ready });
    },
  );
};

export default routes;
