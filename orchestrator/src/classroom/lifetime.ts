// A lab's lifetime in the service: an expiry (TTL), after which the lab is destroyed, and an idle
// stop, after which its containers are stopped (files kept) until it is resumed. Everything here
// is pure: the sweeper (sweeper.ts) feeds it the clock and the labs, and carries out its answer.
import type { Lifetime } from "../config.ts";
import type { LabClock } from "../store/lab-activity.ts";

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

/** The times a lab's status carries (docs/reference/service.md: "Lab lifetime"). */
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
