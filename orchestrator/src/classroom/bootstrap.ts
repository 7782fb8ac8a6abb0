// The first start: an instructor and their token, so that someone can sign in at all.
import { audit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { createUser, issueToken, keepOnlyToken, userByLogin } from "../store/users.ts";

const INSTRUCTOR = "instructor";

/**
 * Makes sure the instructor exists and can sign in. With `envToken`
 * (SOCKETLAB_INSTRUCTOR_TOKEN) that token becomes the instructor's only valid one: any other is
 * revoked, a revoked copy of it is put back in force (audited as `token.rotate`). Without, a token
 * is generated on the first start only. Returns a token that was just generated, to be shown
 * once, else null.
 */
export function ensureInstructor(db: Db, envToken?: string): string | null {
  const existing = userByLogin(db, INSTRUCTOR);
  const user =
    existing ?? createUser(db, { login: INSTRUCTOR, name: "Instructor", role: "instructor" });
  if (envToken) {
    const { revoked, restored } = keepOnlyToken(db, user.id, envToken);
    if (revoked > 0 || restored) {
      audit(db, "@service", "token.rotate", user.login, { revoked, from: "environment" });
    }
    return null;
  }
  return existing ? null : issueToken(db, user.id);
}
