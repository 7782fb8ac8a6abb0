// Classes: created from a roster (one student account and token per roster entry, one TA account
// and token per TA, all in one transaction: a bad roster creates nothing), grown and shrunk
// later by the instructor, and read by the staff who manage them.

import { audit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import {
  classById,
  createClass,
  createUser,
  deleteUser,
  issueToken,
  listClasses,
  liveTokenIds,
  type User,
  type UserRole,
  userByLogin,
  usersOfClass,
} from "../store/users.ts";
import { canManageClass } from "./access.ts";
import { InvalidInputError, notFound } from "./errors.ts";
import {
  assignLogins,
  checkRosterList,
  type PlacedEntry,
  parseRosterCsv,
  type RosterEntry,
  sortByLine,
} from "./roster.ts";
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

/** People to enrol: a roster of students (a list or CSV text) and TAs' names. */
export interface Enrolment {
  students?: RosterEntry[] | undefined;
  csv?: string | undefined;
  tas: string[];
}

export interface ClassRequest extends Enrolment {
  name: string;
  /** The term's end (ISO time); none: the default term from now (term.ts). */
  endsAt?: string | undefined;
}

/** Whom a login belongs to, for a roster's error: their class, or their role. */
function holderOf(db: Db, login: string): string | null {
  const user = userByLogin(db, login);
  if (!user) return null;
  const record = user.classId ? classById(db, user.classId) : null;
  return record ? `a ${user.role} of class '${record.name}'` : `the ${user.role}`;
}

interface CheckedEnrolment {
  students: PlacedEntry[];
  studentLogins: string[];
  tas: PlacedEntry[];
  taLogins: string[];
}

/** Checks everyone to enrol, or throws with every problem found. */
function checkEnrolment(db: Db, enrolment: Enrolment, needStudents: boolean): CheckedEnrolment {
  const roster =
    enrolment.csv !== undefined
      ? parseRosterCsv(enrolment.csv)
      : checkRosterList(enrolment.students ?? []);
  const errors = [...roster.errors];
  if (needStudents && roster.entries.length === 0 && errors.length === 0) {
    errors.push({ path: enrolment.csv !== undefined ? "csv" : "body.students", message: "empty" });
  }
  const students = assignLogins(roster.entries, (login) => holderOf(db, login));
  if (!students.ok) errors.push(...students.errors);
  const studentLogins = students.ok ? students.logins : [];
  const tas = checkRosterList(
    enrolment.tas.map((name) => ({ name })),
    "body.tas",
  );
  errors.push(...tas.errors);
  // TA logins are marked as such so that they never look like a student's.
  const taLogins = assignLogins(
    tas.entries.map((e) => ({ ...e, entry: { name: `ta-${e.entry.name}` } })),
    (login) => (studentLogins.includes(login) ? "a student of this roster" : holderOf(db, login)),
  );
  if (!taLogins.ok) errors.push(...taLogins.errors);
  if (errors.length > 0 || !taLogins.ok) {
    throw new InvalidInputError("the roster has errors", sortByLine(errors));
  }
  return { students: roster.entries, studentLogins, tas: tas.entries, taLogins: taLogins.logins };
}

/** Creates the accounts of a checked enrolment in `classId`, each with its first token. */
function enrol(db: Db, classId: string, checked: CheckedEnrolment) {
  const issue = (entries: PlacedEntry[], role: UserRole, logins: string[]) =>
    entries.map(({ entry }, i) => {
      const login = logins[i] as string;
      const user = createUser(db, {
        login,
        name: entry.name,
        email: entry.email ?? null,
        role,
        classId,
      });
      return { login, name: user.name, email: user.email, token: issueToken(db, user.id) };
    });
  return {
    students: issue(checked.students, "student", checked.studentLogins),
    tas: issue(checked.tas, "ta", checked.taLogins),
  };
}

function inTransaction<T>(db: Db, work: () => T): T {
  db.exec("BEGIN");
  try {
    const result = work();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

export function createClassFromRoster(
  db: Db,
  actor: User,
  request: ClassRequest,
  now: number,
): CreatedClass {
  const checked = checkEnrolment(db, request, true);
  const endsAt = newTermEnd(db, now, request.endsAt);
  return inTransaction(db, () => {
    const record = createClass(db, request.name, endsAt);
    const people = enrol(db, record.id, checked);
    audit(db, actor.login, "class.create", record.id, {
      name: record.name,
      students: people.students.map((s) => s.login),
      tas: people.tas.map((t) => t.login),
    });
    return { id: record.id, name: record.name, endsAt: isoOrNull(endsAt), ...people };
  });
}

/** Adds students and TAs to a class; their tokens are returned this once. */
export function addMembers(
  db: Db,
  actor: User,
  classId: string,
  enrolment: Enrolment,
): { students: IssuedUser[]; tas: IssuedUser[] } {
  if (!classById(db, classId)) throw notFound(`class ${classId}`);
  const checked = checkEnrolment(db, enrolment, false);
  return inTransaction(db, () => {
    const people = enrol(db, classId, checked);
    audit(db, actor.login, "class.add", classId, {
      students: people.students.map((s) => s.login),
      tas: people.tas.map((t) => t.login),
    });
    return people;
  });
}

/**
 * Removes a student or TA from a class: their account and tokens go (front ends sign them out
 * of their terminals); their labs stay until they expire or staff destroy them.
 */
export function removeMember(db: Db, actor: User, classId: string, login: string): Member {
  const user = userByLogin(db, login);
  if (!user || user.classId !== classId) throw notFound(`member ${login} of class ${classId}`);
  const removed = member(db, user);
  deleteUser(db, user.id);
  audit(db, actor.login, "class.remove", classId, { login, role: user.role });
  return removed;
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

const member = (db: Db, u: User): Member => ({
  login: u.login,
  name: u.name,
  email: u.email,
  revoked: liveTokenIds(db, u.id).length === 0,
});

/** The class with its students and TAs, if `user` may manage it; else it is not found. */
export function visibleClass(db: Db, user: User, id: string): ClassView {
  const record = canManageClass(user, id) ? classById(db, id) : null;
  if (!record) throw notFound(`class ${id}`);
  return {
    id: record.id,
    name: record.name,
    createdAt: record.createdAt,
    endsAt: isoOrNull(record.endsAt),
    students: usersOfClass(db, id, "student").map((u) => member(db, u)),
    tas: usersOfClass(db, id, "ta").map((u) => member(db, u)),
  };
}

/** Every class `user` may manage, with its students. */
export function visibleClasses(db: Db, user: User): ClassView[] {
  return listClasses(db)
    .filter((c) => canManageClass(user, c.id))
    .map((c) => visibleClass(db, user, c.id));
}
