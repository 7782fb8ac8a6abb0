// A lab's handout with the lab's own addresses, for whoever may see the lab.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { libraryHandout } from "../../handout/library.ts";
import { currentUser } from "../plugins/auth.ts";
import { bearer } from "../schemas/common.ts";
import { handoutSchema } from "../schemas/handout.ts";
import { labErrors, labParams } from "../schemas/labs.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/labs/:id/handout",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["labs"],
        security: bearer,
        summary: "The lab's handout (Markdown) with its own addresses, and its tasks",
        params: labParams,
        response: { 200: handoutSchema, ...labErrors },
      },
    },
    async (request) => {
      const status = await app.labs.status(currentUser(request), request.params.id);
      const handout = await libraryHandout(app.library, status.topology, status.networks);
      return { lab: status.lab, topology: status.topology, ...handout };
    },
  );
};

export default routes;
