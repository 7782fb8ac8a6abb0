// Bearer-token authentication: every request under /api carries `Authorization: Bearer <token>`
// except the health, readiness and documentation routes. Routes state the roles they admit.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { audit } from "../../store/audit.ts";
import { authenticate, type Role, type User } from "../../store/users.ts";
import { ApiError, forbidden } from "../errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    user: User | null;
  }
  interface FastifyInstance {
    /** A preHandler admitting a signed-in user of one of `roles` (any role when none given). */
    requireRole(...roles: Role[]): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** The signed-in user of a route guarded by `requireRole`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new ApiError(401, "unauthorized", "sign in with a bearer token");
  return request.user;
}

export default fp(async (app: FastifyInstance) => {
  // A "login" is recorded the first time this process sees a token: bearer tokens are sent on
  // every request, and one audit record per request would drown the resets and destroys.
  const seen = new Set<string>();
  app.decorateRequest("user", null);
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) return;
    const found = authenticate(app.db, match[1] as string);
    if (!found) return;
    request.user = found.user;
    if (!seen.has(found.tokenId)) {
      seen.add(found.tokenId);
      audit(app.db, found.user.login, "login", found.user.login, {
        token: found.tokenId,
        ip: request.ip,
      });
    }
  });
  app.decorate("requireRole", (...roles: Role[]) => async (request: FastifyRequest) => {
    if (!request.headers.authorization) {
      throw new ApiError(401, "unauthorized", "sign in with a bearer token");
    }
    if (!request.user) throw new ApiError(401, "unauthorized", "the token is not valid");
    if (roles.length > 0 && !roles.includes(request.user.role)) {
      throw forbidden(`this needs the role ${roles.join(" or ")}`);
    }
  });
});
