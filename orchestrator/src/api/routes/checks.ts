// A lab's checks, run now: each task's pass or fail. Who may run them is who may see the lab; a
// lab one may not see is a 404, as on every lab route.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser } from "../plugins/auth.ts";
import { checkResultSchema } from "../schemas/checks.ts";
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
};

export default routes;
