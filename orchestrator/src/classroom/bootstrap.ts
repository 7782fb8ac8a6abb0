// The first start: an instructor and their token, so that someone can sign in at all.
import type { Db } from "../store/db.ts";
import { authenticate, createUser, issueToken, userByLogin } from "../store/users.ts";

const INSTRUCTOR = "instructor";

/**
 * Makes sure the instructor exists and can sign in. With `envToken`
 * (SOCKETLAB_INSTRUCTOR_TOKEN) that token is accepted from now on; without, a token is generated
 * on the first start only. Returns a token that was just generated, to be shown once, else null.
 */
export function ensureInstructor(db: Db, envToken?: string): string | null {
  const existing = userByLogin(db, INSTRUCTOR);
  const user =
    existing ?? createUser(db, { login: INSTRUCTOR, name: "Instructor", role: "instructor" });
  if (envToken) {
    if (!authenticate(db, envToken)) issueToken(db, user.id, envToken);
    return null;
  }
  return existing ? null : issueToken(db, user.id);
}
