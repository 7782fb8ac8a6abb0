// Who the token belongs to: the dashboard's login checks the token with it and picks the pages
// of the user's role.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { classById } from "../../store/users.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer } from "../schemas/common.ts";
import { meSchema } from "../schemas/me.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/me",
    {
      preHandler: app.requireRole(),
      schema: {
        tags: ["service"],
        security: bearer,
        summary: "The signed-in user: login, name, role and class",
        response: { 200: meSchema, ...authErrors },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const record = user.classId ? classById(app.db, user.classId) : null;
      return {
        login: user.login,
        name: user.name,
        role: user.role,
        class: record ? { id: record.id, name: record.name } : null,
      };
    },
  );
};

export default routes;
