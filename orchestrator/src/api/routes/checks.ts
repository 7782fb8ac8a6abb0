// A lab's checks, run now: each task's pass or fail; and the last run, to show without running
// them again. Who may run or read them is who may see the lab; a lab one may not see is a 404,
// as on every lab route.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ensureCheckRuns, lastCheckRun, recordCheckRun } from "../../store/check-runs.ts";
import { currentUser } from "../plugins/auth.ts";
import { checkResultSchema, checkRunSchema } from "../schemas/checks.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  ensureCheckRuns(app.db);

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
    async (request) => {
      const lab = request.params.id;
      const results = await app.labs.checks(currentUser(request), lab);
      recordCheckRun(app.db, lab, { ranAt: app.labs.now(), results });
      return results;
    },
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
      await app.labs.status(currentUser(request), request.params.id);
      const run = lastCheckRun(app.db, request.params.id);
      return run
        ? { ranAt: new Date(run.ranAt).toISOString(), results: run.results }
        : { ranAt: null, results: [] };
    },
  );
};

export default routes;
