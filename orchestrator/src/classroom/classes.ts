// Classes: created from a roster (one student account and token per roster entry, one TA account
// and token per TA, all in one transaction: a bad roster creates nothing), and read by the staff
// who manage them.

import type { Db } from "../store/db.ts";
import {
  type ClassRecord,
  classById,
  createClass,
  createUser,
  issueToken,
  listClasses,
  loginTaken,
  type User,
  type UserRole,
  usersOfClass,
} from "../store/users.ts";
import { canManageClass } from "./access.ts";
import { InvalidInputError, notFound } from "./errors.ts";
import { assignLogins, checkRosterList, parseRosterCsv, type RosterEntry } from "./roster.ts";

export interface IssuedUser {
  login: string;
  name: string;
  email: string | null;
  token: string;
}

export interface CreatedClass {
  id: string;
  name: string;
  students: IssuedUser[];
  tas: IssuedUser[];
}

export interface ClassRequest {
  name: string;
  students?: RosterEntry[] | undefined;
  csv?: string | undefined;
  tas: string[];
}

export function createClassFromRoster(db: Db, request: ClassRequest): CreatedClass {
  const roster =
    request.csv !== undefined
      ? parseRosterCsv(request.csv)
      : checkRosterList(request.students ?? []);
  if (!roster.ok) throw new InvalidInputError("the roster has errors", roster.errors);
  if (roster.entries.length === 0)
    throw new InvalidInputError("the roster names no student", [
      { path: "body.students", message: "empty" },
    ]);
  db.exec("BEGIN");
  try {
    const record = createClass(db, request.name);
    const issue = (entries: RosterEntry[], role: UserRole, logins: string[]) =>
      entries.map((entry, i) => {
        const login = logins[i] as string;
        const user = createUser(db, {
          login,
          name: entry.name,
          email: entry.email ?? null,
          role,
          classId: record.id,
        });
        return { login, name: user.name, email: user.email, token: issueToken(db, user.id) };
      });
    const students = issue(
      roster.entries,
      "student",
      assignLogins(roster.entries, (l) => loginTaken(db, l)),
    );
    const taEntries = request.tas.map((name) => ({ name }));
    // TA logins are marked as such so that they never look like a student's.
    const taLogins = assignLogins(
      taEntries.map((e) => ({ name: `ta-${e.name}` })),
      (l) => loginTaken(db, l),
    );
    const tas = issue(taEntries, "ta", taLogins);
    db.exec("COMMIT");
    return { id: record.id, name: record.name, students, tas };
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

export interface ClassView extends ClassRecord {
  students: { login: string; name: string; email: string | null }[];
}

/** The class with its students, if `user` may manage it; else it is not found. */
export function visibleClass(db: Db, user: User, id: string): ClassView {
  const record = canManageClass(user, id) ? classById(db, id) : null;
  if (!record) throw notFound(`class ${id}`);
  const students = usersOfClass(db, id, "student").map((s) => ({
    login: s.login,
    name: s.name,
    email: s.email,
  }));
  return { ...record, students };
}

/** Every class `user` may manage, with its students. */
export function visibleClasses(db: Db, user: User): ClassView[] {
  return listClasses(db)
    .filter((c) => canManageClass(user, c.id))
    .map((c) => visibleClass(db, user, c.id));
}
