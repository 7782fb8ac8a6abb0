// The rest of a lab's life from the page: stop it (files kept, resume starts it again) and give
// it more time (classroom/extension.ts says who may, and until when). Whoever may see the lab
// may ask.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import { labErrors, labParams, labStatusSchema } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/api/labs/:id/stop",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Stop the lab's nodes, keeping their files; resume starts them again",
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => app.labs.stop(currentUser(request), request.params.id),
  );

  app.post(
    "/api/labs/:id/extend",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "Renew the lab's time to live from now (students: only while it is expiring)",
        params: labParams,
        response: { 200: labStatusSchema, ...labErrors },
      },
    },
    async (request) => app.labs.extend(currentUser(request), request.params.id),
  );
};

export default routes;
