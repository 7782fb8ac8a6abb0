// Classes: created from a roster (one student account and token per roster entry, one TA account
// and token per TA, all in one transaction: a bad roster creates nothing), and read by the staff
// who manage them.

import type { Db } from "../store/db.ts";
import {
  classById,
  createClass,
  createUser,
  issueToken,
  listClasses,
  liveTokenIds,
  loginTaken,
  type User,
  type UserRole,
  usersOfClass,
} from "../store/users.ts";
import { canManageClass } from "./access.ts";
import { InvalidInputError, notFound } from "./errors.ts";
import { assignLogins, checkRosterList, parseRosterCsv, type RosterEntry } from "./roster.ts";
import { newTermEnd } from "./term.ts";

export interface IssuedUser {
  login: string;
  name: string;
  email: string | null;
  token: string;
}

export interface CreatedClass {
  id: string;
  name: string;
  endsAt: string | null;
  students: IssuedUser[];
  tas: IssuedUser[];
}

export interface ClassRequest {
  name: string;
  students?: RosterEntry[] | undefined;
  csv?: string | undefined;
  tas: string[];
  /** The term's end (ISO time); none: the default term from now (term.ts). */
  endsAt?: string | undefined;
}

export function createClassFromRoster(db: Db, request: ClassRequest, now: number): CreatedClass {
  const roster =
    request.csv !== undefined
      ? parseRosterCsv(request.csv)
      : checkRosterList(request.students ?? []);
  if (!roster.ok) throw new InvalidInputError("the roster has errors", roster.errors);
  if (roster.entries.length === 0)
    throw new InvalidInputError("the roster names no student", [
      { path: "body.students", message: "empty" },
    ]);
  const endsAt = newTermEnd(db, now, request.endsAt);
  db.exec("BEGIN");
  try {
    const record = createClass(db, request.name, endsAt);
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
    return { id: record.id, name: record.name, endsAt: isoOrNull(endsAt), students, tas };
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

export interface Member {
  login: string;
  name: string;
  email: string | null;
  /** Whether no token of theirs is in force (revoked, and not reissued). */
  revoked: boolean;
}

export interface ClassView {
  id: string;
  name: string;
  createdAt: string;
  endsAt: string | null;
  students: Member[];
  tas: Member[];
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The class with its students and TAs, if `user` may manage it; else it is not found. */
export function visibleClass(db: Db, user: User, id: string): ClassView {
  const record = canManageClass(user, id) ? classById(db, id) : null;
  if (!record) throw notFound(`class ${id}`);
  const member = (u: User): Member => ({
    login: u.login,
    name: u.name,
    email: u.email,
    revoked: liveTokenIds(db, u.id).length === 0,
  });
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt,
    endsAt: isoOrNull(record.endsAt),
    students: usersOfClass(db, id, "student").map(member),
    tas: usersOfClass(db, id, "ta").map(member),
  };
}

/** Every class `user` may manage, with its students. */
export function visibleClasses(db: Db, user: User): ClassView[] {
  return listClasses(db)
    .filter((c) => canManageClass(user, c.id))
    .map((c) => visibleClass(db, user, c.id));
}
