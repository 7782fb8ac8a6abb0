// The audit log, for instructors.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { readAudit } from "../../store/audit.ts";
import { auditQuery, auditSchema } from "../schemas/audit.ts";
import { authErrors, bearer } from "../schemas/common.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/audit",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags: ["audit"],
        security: bearer,
        summary:
          "Logins (a token's first use in a service process), resets, captures and destroys, newest first",
        querystring: auditQuery,
        response: { 200: auditSchema, ...authErrors },
      },
    },
    async (request) => readAudit(app.db, request.query.limit, request.query.before),
  );
};

export default routes;
