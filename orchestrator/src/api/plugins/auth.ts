// Bearer-token authentication: every request under /api carries `Authorization: Bearer <token>`
// except the health, readiness and documentation routes. Routes state the roles they admit.
//
// Failed tokens are rate-limited per address (FAILED_TOKENS_PER_MINUTE), never valid ones: a
// classroom behind one NAT shares an address, and one student mistyping must not lock the others
// out. Tokens are 256-bit random, so guessing is hopeless anyway; the limit keeps a client that
// hammers with a wrong token from costing the service more than a 429.
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { ForbiddenError } from "../../classroom/errors.ts";
import { audit } from "../../store/audit.ts";
import { signIn, type User, type UserRole } from "../../store/users.ts";
import { ApiError } from "../errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    user: User | null;
    /** Why the request's token signs no one in (not valid, revoked, expired), for its 401. */
    tokenRefusal: string | null;
  }
  interface FastifyInstance {
    /** A preHandler admitting a signed-in user of one of `roles` (any role when none given). */
    requireRole(
      ...roles: UserRole[]
    ): (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /**
     * Counts a token that failed to sign in from the request's address; returns the seconds to
     * wait when the address is over its limit, null while it is not. For tokens that do not come
     * in the Authorization header (the terminal's hello); the header's own are counted here.
     */
    failedToken(request: FastifyRequest): Promise<number | null>;
    /** Where a user's revocation is announced, so that their open terminals close. */
    signOuts: SignOuts;
  }
}

/** Listeners told that a user's tokens stopped being valid (revoked, reissued, user removed). */
export class SignOuts {
  private readonly listeners: ((login: string, reason: string) => void)[] = [];

  listen(listener: (login: string, reason: string) => void): void {
    this.listeners.push(listener);
  }

  announce(login: string, reason: string): void {
    for (const listener of this.listeners) listener(login, reason);
  }
}

export interface AuthOptions {
  /** The clock, epoch ms: a class's term ends its users' tokens. */
  now: () => number;
}

/** Failed sign-ins one address may make in a minute before it is answered 429. */
export const FAILED_TOKENS_PER_MINUTE = 20;

/** The signed-in user of a route guarded by `requireRole`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new ApiError(401, "unauthorized", "sign in with a bearer token");
  return request.user;
}

export default fp(async (app: FastifyInstance, options: AuthOptions) => {
  // A "login" is recorded the first time this process sees a token: bearer tokens are sent on
  // every request, and one audit record per request would drown the resets and destroys.
  const seen = new Set<string>();
  // Only failures are counted (`failedToken` calls the limiter only for them), so no route gets
  // the plugin's own per-request limit.
  await app.register(rateLimit, { global: false });
  const limiter = app.createRateLimit({ max: FAILED_TOKENS_PER_MINUTE, timeWindow: 60_000 });
  app.decorate("failedToken", async (request: FastifyRequest) => {
    const limit = await limiter(request);
    return !limit.isAllowed && limit.isExceeded ? limit.ttlInSeconds : null;
  });
  app.decorate("signOuts", new SignOuts());
  app.decorateRequest("user", null);
  app.decorateRequest("tokenRefusal", null);
  app.addHook("onRequest", async (request) => {
    const header = request.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const found = match
      ? signIn(app.db, match[1] as string, options.now())
      : { ok: false as const, reason: "the Authorization header must be 'Bearer <token>'" };
    if (!found.ok) {
      request.tokenRefusal = found.reason;
      return;
    }
    request.user = found.user;
    if (!seen.has(found.tokenId)) {
      seen.add(found.tokenId);
      audit(app.db, found.user.login, "login", found.user.login, {
        token: found.tokenId,
        ip: request.ip,
      });
    }
  });
  // Failed tokens are counted here, on the routes that need one, and not in the hook above: a
  // health probe that sends a stale token must not turn the health routes into 429s.
  app.decorate(
    "requireRole",
    (...roles: UserRole[]) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        if (!request.headers.authorization) {
          throw new ApiError(401, "unauthorized", "sign in with a bearer token");
        }
        if (!request.user) {
          const wait = await app.failedToken(request);
          if (wait === null) {
            throw new ApiError(
              401,
              "unauthorized",
              request.tokenRefusal ?? "the token is not valid",
            );
          }
          reply.header("retry-after", String(wait));
          throw new ApiError(
            429,
            "too_many_failed_tokens",
            `too many requests with a token that is not valid from this address; retry in ${wait} s`,
          );
        }
        if (roles.length > 0 && !roles.includes(request.user.role)) {
          throw new ForbiddenError(`this needs the role ${roles.join(" or ")}`);
        }
      },
  );
});
