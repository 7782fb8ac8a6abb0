// A lab's checks, run now: each task's pass or fail; and the last run, to show without running
// them again. Who may run or read them is who may see the lab; a lab one may not see is a 404,
// as on every lab route.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../plugins/auth.ts";
import { checkResultSchema, checkRunSchema } from "../schemas/checks.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/labs/:id/checks",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Run the lab's checks: which of its tasks are achieved",
        params: labParams,
        response: { 200: z.array(checkResultSchema), ...labErrors },
      },
    },
    async (request) => app.labs.checks(currentUser(request), request.params.id),
  );

  app.get(
    "/api/labs/:id/checks/last",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "The last run of the lab's checks, without running them",
        params: labParams,
        response: { 200: checkRunSchema, ...labErrors },
      },
    },
    async (request) => {
      const run = await app.labs.lastChecks(currentUser(request), request.params.id);
      return run
        ? { ranAt: new Date(run.ranAt).toISOString(), results: run.results }
        : { ranAt: null, results: [] };
    },
  );
};

export default routes;
