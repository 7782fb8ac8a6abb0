// Users' tokens (instructors): revoke every token of a user, or reissue one in place of them
// all. Either signs the user out of their open terminals at once.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  REISSUED_REASON,
  REVOKED_REASON,
  reissueUser,
  revokeUser,
} from "../../classroom/tokens.ts";
import { currentUser } from "../plugins/auth.ts";
import { authErrors, bearer, errorSchema } from "../schemas/common.ts";
import { reissuedSchema, revokedSchema, userParams } from "../schemas/tokens.ts";

const routes: FastifyPluginAsyncZod = async (app) => {
  const tags = ["users"];
  const errors = { ...authErrors, 404: errorSchema, 409: errorSchema };

  app.post(
    "/api/users/:login/revoke",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Revoke every token of a user; their open terminals close (4401)",
        params: userParams,
        response: { 200: revokedSchema, ...errors },
      },
    },
    async (request) => {
      const result = revokeUser(app.db, currentUser(request), request.params.login);
      app.signOuts.announce(result.login, REVOKED_REASON);
      return result;
    },
  );

  app.post(
    "/api/users/:login/reissue",
    {
      preHandler: app.requireRole("instructor"),
      schema: {
        tags,
        security: bearer,
        summary: "Give a user a new token in place of all their others (shown once)",
        params: userParams,
        response: { 200: reissuedSchema, ...errors },
      },
    },
    async (request) => {
      const result = reissueUser(app.db, currentUser(request), request.params.login);
      app.signOuts.announce(result.login, REISSUED_REASON);
      return result;
    },
  );
};

export default routes;
