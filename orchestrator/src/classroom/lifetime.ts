// A lab's lifetime in the service: an expiry (TTL), after which the lab is destroyed, and an idle
// stop, after which its containers are stopped (files kept) until it is resumed. Everything here
// is pure: the sweeper (sweeper.ts) feeds it the clock and the labs, and carries out its answer.
import { parseDuration } from "../config.ts";
import type { LabClock } from "../store/lab-activity.ts";

export interface Lifetime {
  /** A new lab's time to live, ms; null: labs never expire. */
  ttl: number | null;
  /** The longest time to live staff may ask for, ms. */
  maxTtl: number;
  /** How long before its expiry a lab's status says it is expiring, ms. */
  warning: number;
  /** A lab with no activity for this long is stopped, ms; null: never. */
  idleStop: number | null;
}

const HOUR = 3_600_000;

export const DEFAULT_LIFETIME: Lifetime = {
  ttl: 8 * HOUR,
  maxTtl: 7 * 24 * HOUR,
  warning: 0.5 * HOUR,
  idleStop: 2 * HOUR,
};

const ENV = {
  ttl: "SOCKETLAB_LAB_TTL",
  maxTtl: "SOCKETLAB_LAB_TTL_MAX",
  warning: "SOCKETLAB_LAB_TTL_WARNING",
  idleStop: "SOCKETLAB_IDLE_STOP",
} as const;

/** The lifetime set in the environment; unset or empty: the default; `0`: off (TTL, idle stop). */
export function lifetimeFromEnv(env = process.env): Lifetime {
  const lifetime = { ...DEFAULT_LIFETIME };
  for (const [key, name] of Object.entries(ENV) as [keyof Lifetime, string][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const ms = parseDuration(text);
    if (ms === null) throw new Error(`${name} must be a duration such as 90s, 30m, 8h or 2d`);
    if (ms > 0 || key === "warning") lifetime[key] = ms;
    else if (key === "maxTtl") throw new Error(`${name} must be more than 0`);
    else lifetime[key] = null;
  }
  return lifetime;
}

export interface SweptLab extends LabClock {
  /** The lab's state on the engine; `missing` when its record is gone. */
  state: "running" | "degraded" | "stopped" | "missing";
  /** Being brought up, reset or resumed in this process: left alone this time. */
  busy: boolean;
}

export type SweepAction =
  | { kind: "destroy"; lab: string }
  | { kind: "stop"; lab: string }
  | { kind: "forget"; lab: string };

/**
 * What to do with each lab now: destroy what has expired (stopped labs too), stop what has been
 * idle for `idleStop` and still runs, forget the clocks of labs no longer on the engine.
 */
export function sweepActions(now: number, labs: SweptLab[], lifetime: Lifetime): SweepAction[] {
  const actions: SweepAction[] = [];
  for (const lab of labs) {
    if (lab.state === "missing") {
      if (!lab.busy) actions.push({ kind: "forget", lab: lab.lab });
    } else if (lab.busy) {
    } else if (lab.expiresAt !== null && now >= lab.expiresAt) {
      actions.push({ kind: "destroy", lab: lab.lab });
    } else if (
      lifetime.idleStop !== null &&
      lab.state !== "stopped" &&
      now - lab.lastActivity >= lifetime.idleStop
    ) {
      actions.push({ kind: "stop", lab: lab.lab });
    }
  }
  return actions;
}

/** The times a lab's API responses carry (README: "Lab lifetime"). */
export interface LabTimes {
  /** ISO time at which the lab is destroyed; null: never. */
  expiresAt: string | null;
  /** Whether the lab is within the warning window before its expiry (or past it). */
  expiring: boolean;
  /** ISO time at which the lab stops if nothing happens on it; null: idle stop off or stopped. */
  idleStopAt: string | null;
}

/** A lab's times as its status shows them; `clock` undefined: a lab the service does not time. */
export function labTimes(
  now: number,
  clock: LabClock | undefined,
  stopped: boolean,
  lifetime: Lifetime,
): LabTimes {
  if (!clock) return { expiresAt: null, expiring: false, idleStopAt: null };
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    expiresAt: clock.expiresAt === null ? null : iso(clock.expiresAt),
    expiring: clock.expiresAt !== null && now >= clock.expiresAt - lifetime.warning,
    idleStopAt:
      lifetime.idleStop === null || stopped ? null : iso(clock.lastActivity + lifetime.idleStop),
  };
}
