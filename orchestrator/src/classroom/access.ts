// Who may see which lab. A lab's `owner` label is its owner's login, usually a student's.
// Students see their own labs, TAs their own and those of their class's students, instructors
// every lab. A TA may bring a lab up for themselves (to try a topology before the class does), so
// they see it: refusing it would take that away, and hiding it left a lab nobody but the
// instructor could reach. A lab one may not see is
// answered exactly like a lab that does not exist (not found), so that its existence does not leak.
import type { Db } from "../store/db.ts";
import { type User, userByLogin, usersOfClass } from "../store/users.ts";

export function canSeeOwner(db: Db, user: User, owner: string): boolean {
  switch (user.role) {
    case "instructor":
      return true;
    case "student":
      return owner === user.login;
    case "ta": {
      if (owner === user.login) return true;
      const student = userByLogin(db, owner);
      return (
        student?.role === "student" && student.classId !== null && student.classId === user.classId
      );
    }
  }
}

/** A filter for lists: one database query, not one per lab. */
export function ownerFilter(db: Db, user: User): (owner: string) => boolean {
  if (user.role === "instructor") return () => true;
  if (user.role === "student") return (owner) => owner === user.login;
  const logins = new Set([
    user.login,
    ...(user.classId ? usersOfClass(db, user.classId, "student").map((s) => s.login) : []),
  ]);
  return (owner) => logins.has(owner);
}

/** Whether `user` may act for the class `classId` (TAs: only their own). */
export function canManageClass(user: User, classId: string): boolean {
  return user.role === "instructor" || (user.role === "ta" && user.classId === classId);
}
