// The settings instructors change at run time: the default class term.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { classTermDays, setClassTermDays } from "../../classroom/term.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import { settingsSchema } from "../schemas/tokens.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["service"];
  const read = () => ({ classTermDays: classTermDays(app.db) });

  app.get(
    "/api/settings",
    {
      preHandler: app.requireRole("instructor"),
      schema: { tags, security: bearer, response: { 200: settingsSchema, ...authErrors } },
    },
    async () => read(),
  );

  app.put(
    "/api/settings",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        body: settingsSchema,
        response: { 200: settingsSchema, 400: errorSchema, ...authErrors },
      },
    },
    async (request) => {
      setClassTermDays(app.db, currentUser(request), request.body.classTermDays);
      return read();
    },
  );
};

export default routes;
