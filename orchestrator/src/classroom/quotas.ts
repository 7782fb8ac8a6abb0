// Quotas: how many labs a student and a class may hold at once. A student or a class at its quota
// is refused a new lab; bringing an existing lab up again is never refused. Labs owned by
// staff count toward the engines' caps only (engine-queue.ts).
import type { Quotas } from "../config.ts";
import type { Db } from "../store/db.ts";
import { userByLogin, usersOfClass } from "../store/users.ts";
import { QuotaError } from "./errors.ts";

const labs = (n: number) => `${n} lab${n === 1 ? "" : "s"}`;

/**
 * Refuses a new lab for `owner` when they, or their class, already hold their quota.
 * `owners` has the owner of every lab held: on an engine, being brought up, or waiting.
 */
export function checkQuotas(db: Db, quotas: Quotas, owner: string, owners: string[]): void {
  const user = userByLogin(db, owner);
  if (user?.role !== "student") return;
  const own = owners.filter((o) => o === owner).length;
  if (own >= quotas.perStudent) {
    throw new QuotaError(`${owner} holds ${labs(own)}, a student's quota; destroy one first`);
  }
  if (quotas.perClass === null || user.classId === null) return;
  const classmates = new Set(usersOfClass(db, user.classId, "student").map((s) => s.login));
  const held = owners.filter((o) => classmates.has(o)).length;
  if (held >= quotas.perClass) {
    throw new QuotaError(`the class of ${owner} holds ${labs(held)}, its quota; destroy one first`);
  }
}
