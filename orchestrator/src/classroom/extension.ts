// Who may give a lab more time, and until when: the policy behind the lab page's Extend button.
// Pure: the lab service feeds it the clock, the lab's clock and the service's lifetime settings.

import type { Lifetime } from "../config.ts";
import type { LabClock } from "../store/lab-activity.ts";

export type Extension = { ok: true; expiresAt: number } | { ok: false; reason: string };

/**
 * A lab's expiry renewed to a whole time to live from now. Staff may renew any timed lab at any
 * time; a student their own once it is within the warning window before its expiry, so that a
 * lab in use lives on while a forgotten one still goes. An expiry is never brought forward.
 */
export function extendedExpiry(
  now: number,
  clock: LabClock | undefined,
  lifetime: Lifetime,
  staff: boolean,
): Extension {
  if (lifetime.ttl === null) return { ok: false, reason: "labs do not expire on this service" };
  if (!clock || clock.expiresAt === null) {
    return { ok: false, reason: "this lab has no expiry to extend" };
  }
  // Past its expiry the sweeper is about to take it: staff may still save it, a student may not.
  if (!staff && clock.expiresAt <= now) return { ok: false, reason: "this lab has expired" };
  if (!staff && clock.expiresAt - now > lifetime.warning) {
    const minutes = Math.round(lifetime.warning / 60_000);
    return {
      ok: false,
      reason: `a lab can be extended in the last ${minutes} minutes before it expires`,
    };
  }
  return { ok: true, expiresAt: Math.max(clock.expiresAt, now + lifetime.ttl) };
}
