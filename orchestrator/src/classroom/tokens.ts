// A user's sign-in over its life: revoked (a lost or forwarded login link) or reissued (a new
// token in place of every old one), each audited. Front ends announce the sign-out, so that the
// user's open terminals close too.
import { audit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { issueToken, revokeTokens, type User, userByLogin } from "../store/users.ts";
import { ConflictError, notFound } from "./errors.ts";

/** What the user's old tokens' holders are told when their terminal closes. */
export const REVOKED_REASON = "your token was revoked";
export const REISSUED_REASON = "your token was replaced by a new one";
export const REMOVED_REASON = "you were removed from the class";

function targetUser(db: Db, login: string): User {
  const user = userByLogin(db, login);
  if (!user) throw notFound(`user ${login}`);
  return user;
}

/** Revokes every token of `login`; how many were in force. */
export function revokeUser(db: Db, actor: User, login: string): { login: string; revoked: number } {
  const user = targetUser(db, login);
  if (user.role === "instructor") {
    throw new ConflictError(
      "instructor_token",
      "the instructor's tokens are not revoked (nobody could sign in as instructor); reissue instead",
    );
  }
  const revoked = revokeTokens(db, user.id);
  audit(db, actor.login, "token.revoke", login, { revoked });
  return { login, revoked };
}

/** Revokes every token of `login` and issues one new token, returned this once. */
export function reissueUser(db: Db, actor: User, login: string): { login: string; token: string } {
  const user = targetUser(db, login);
  db.exec("BEGIN");
  try {
    const revoked = revokeTokens(db, user.id);
    const token = issueToken(db, user.id);
    audit(db, actor.login, "token.reissue", login, { revoked });
    db.exec("COMMIT");
    return { login, token };
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}
