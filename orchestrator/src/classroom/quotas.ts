// Quotas: how many labs a student and a class may hold at once. A student or a class at its quota
// is refused a new lab (409); bringing an existing lab up again is never refused. Labs owned by
// staff count toward the engines' caps only (engine-queue.ts).

import { ApiError } from "../api/errors.ts";
import type { Db } from "../store/db.ts";
import { userByLogin, usersOfClass } from "../store/users.ts";

export interface Quotas {
  /** Labs one student may hold. */
  perStudent: number;
  /** Labs the students of one class may hold together; null: no limit. */
  perClass: number | null;
  /** Labs on each engine, whoever made them; beyond it new labs wait. null: no limit. */
  perEngine: number | null;
}

export const DEFAULT_QUOTAS: Quotas = { perStudent: 3, perClass: null, perEngine: null };

const ENV = {
  perStudent: "SOCKETLAB_LABS_PER_STUDENT",
  perClass: "SOCKETLAB_LABS_PER_CLASS",
  perEngine: "SOCKETLAB_LABS_PER_ENGINE",
} as const;

/** The quotas set in the environment (a whole number from 1; unset or empty: the default). */
export function quotasFromEnv(env = process.env): Quotas {
  const quotas = { ...DEFAULT_QUOTAS };
  for (const [key, name] of Object.entries(ENV) as [keyof Quotas, string][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${name} must be a whole number from 1, not '${text}'`);
    }
    quotas[key] = value;
  }
  return quotas;
}

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
    throw new ApiError(
      409,
      "quota_exceeded",
      `${owner} holds ${labs(own)}, a student's quota; destroy one first`,
    );
  }
  if (quotas.perClass === null || user.classId === null) return;
  const classmates = new Set(usersOfClass(db, user.classId, "student").map((s) => s.login));
  const held = owners.filter((o) => classmates.has(o)).length;
  if (held >= quotas.perClass) {
    throw new ApiError(
      409,
      "quota_exceeded",
      `the class of ${owner} holds ${labs(held)}, its quota; destroy one first`,
    );
  }
}
