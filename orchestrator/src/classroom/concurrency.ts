// How many checks and captures may run at once, per lab and per user. Each holds an exec (and, for
// a capture, tcpdump in the host guard and a download) for up to minutes: without a bound, one
// student's script could keep hundreds going and starve everyone's. A request beyond a bound is
// refused at once (BusyError, HTTP 429), never queued.
import { BusyError } from "./errors.ts";

export type Activity = "checks" | "capture";

export interface ConcurrencyLimits {
  /** Of each activity, at once on one lab. */
  perLab: Record<Activity, number>;
  /** Of each activity, at once by one user (over all the labs they may see). */
  perUser: Record<Activity, number>;
}

export const DEFAULT_CONCURRENCY: ConcurrencyLimits = {
  perLab: { checks: 2, capture: 2 },
  perUser: { checks: 4, capture: 4 },
};

const NOUN: Record<Activity, [string, string]> = {
  checks: ["run of checks", "runs of checks"],
  capture: ["capture", "captures"],
};

export class ConcurrencyGate {
  private readonly limits: ConcurrencyLimits;
  private readonly running = new Map<string, number>();

  constructor(limits: ConcurrencyLimits = DEFAULT_CONCURRENCY) {
    this.limits = limits;
  }

  /** Takes a place for `activity` on `lab` by `user`; call the returned function to give it back. */
  enter(activity: Activity, lab: string, user: string): () => void {
    const labKey = `${activity}\0lab\0${lab}`;
    const userKey = `${activity}\0user\0${user}`;
    const [one, many] = NOUN[activity];
    const count = (key: string) => this.running.get(key) ?? 0;
    const onLab = this.limits.perLab[activity];
    if (count(labKey) >= onLab) {
      throw new BusyError(
        `lab ${lab} already has ${onLab === 1 ? `a ${one}` : `${onLab} ${many}`} under way, the most at once; try again when one has ended`,
      );
    }
    const byUser = this.limits.perUser[activity];
    if (count(userKey) >= byUser) {
      throw new BusyError(
        `you already have ${byUser === 1 ? `a ${one}` : `${byUser} ${many}`} under way, the most at once; try again when one has ended`,
      );
    }
    this.running.set(labKey, count(labKey) + 1);
    this.running.set(userKey, count(userKey) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      for (const key of [labKey, userKey]) {
        const now = count(key) - 1;
        if (now > 0) this.running.set(key, now);
        else this.running.delete(key);
      }
    };
  }

  /** Places taken, of every activity (for tests: nothing may stay taken). */
  get taken(): number {
    return [...this.running.values()].reduce((a, b) => a + b, 0) / 2;
  }
}
