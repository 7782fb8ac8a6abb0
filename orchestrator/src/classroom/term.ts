// A class's term: its students' and TAs' tokens are valid until it ends. A new class's term
// ends the instructor's default number of days after its creation unless an end is given.
import { audit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { readSetting, writeSetting } from "../store/settings.ts";
import { classById, setClassEnd, type User } from "../store/users.ts";
import { InvalidInputError, notFound } from "./errors.ts";

export const DEFAULT_CLASS_TERM_DAYS = 120;
export const MAX_CLASS_TERM_DAYS = 730;
const TERM_SETTING = "classTermDays";
const DAY_MS = 24 * 3_600_000;

/** The default length of a new class's term, in days. */
export function classTermDays(db: Db): number {
  const value = readSetting(db, TERM_SETTING);
  return typeof value === "number" ? value : DEFAULT_CLASS_TERM_DAYS;
}

export function setClassTermDays(db: Db, actor: User, days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > MAX_CLASS_TERM_DAYS) {
    throw new InvalidInputError("the class term is out of range", [
      {
        path: "body.classTermDays",
        message: `a whole number of days, 1 to ${MAX_CLASS_TERM_DAYS}`,
      },
    ]);
  }
  writeSetting(db, TERM_SETTING, days);
  audit(db, actor.login, "settings.class-term", TERM_SETTING, { days });
}

/**
 * A new class's term end (epoch ms) at `now`: `endsAt` (ISO time, in the future), else the
 * default term from now.
 */
export function newTermEnd(db: Db, now: number, endsAt: string | undefined): number {
  if (endsAt === undefined) return now + classTermDays(db) * DAY_MS;
  const end = Date.parse(endsAt);
  if (!(end > now)) {
    throw new InvalidInputError("the class term must end in the future", [
      { path: "body.endsAt", message: `${endsAt} is not a time to come` },
    ]);
  }
  return end;
}

/**
 * Moves a class's term end (null: no end): its users' tokens follow at once, so an end in the
 * past signs the whole class out.
 */
export function changeClassTerm(db: Db, actor: User, classId: string, endsAt: string | null) {
  if (!classById(db, classId)) throw notFound(`class ${classId}`);
  const end = endsAt === null ? null : Date.parse(endsAt);
  if (Number.isNaN(end)) {
    throw new InvalidInputError("the term end is not a time", [
      { path: "body.endsAt", message: `'${endsAt}' is not an ISO time` },
    ]);
  }
  setClassEnd(db, classId, end);
  audit(db, actor.login, "class.term", classId, { endsAt });
}
