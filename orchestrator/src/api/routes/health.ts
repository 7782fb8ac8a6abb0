// Liveness (the process answers) and readiness (the engine answers and the database is open).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";

const readiness = z.object({ ready: z.boolean(), engine: z.boolean(), db: z.boolean() });

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
      const engine = await app.engine.ping().then(
        () => true,
        (error: unknown) => {
          request.log.warn({ err: error }, "engine not reachable");
          return false;
        },
      );
      let db = false;
      try {
        db = app.db.isOpen && app.db.prepare("SELECT 1").get() !== undefined;
      } catch (error) {
        request.log.warn({ err: error }, "database not usable");
      }
      return reply.code(engine && db ? 200 : 503).send({ ready: engine && db, engine, db });
    },
  );
};

export default routes;
