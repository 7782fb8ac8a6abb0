// Applies labs' time to live and idle stop (lifetime.ts) every little while. Each sweep reads the
// clocks from the database and the labs' states from the engine, so a restarted service carries
// on where the last one stopped. One lab's failure is logged and does not stop the others.
// Other housekeeping (recordings' retention) joins the sweep as chores, run with the same clock.
import type { Db } from "../store/db.ts";
import { forgetLabClock, labClocks } from "../store/lab-activity.ts";
import type { LabService } from "./labs.ts";
import { type SweepAction, type SweptLab, sweepActions } from "./lifetime.ts";
import type { Log } from "./log.ts";

export const SWEEP_EVERY_MS = 30_000;

export interface Chore {
  /** What the log calls it when it fails. */
  name: string;
  /** Runs once per sweep, after the labs', with the service's clock (epoch ms). */
  run(now: number): Promise<unknown>;
}

export class Sweeper {
  private readonly db: Db;
  private readonly labs: LabService;
  private readonly log: Log;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepAction[]> | undefined;
  private readonly chores: Chore[] = [];

  constructor(db: Db, labs: LabService, log: Log) {
    this.db = db;
    this.labs = labs;
    this.log = log;
  }

  /** Sweeps every `everyMs`; the timer does not keep the process alive. */
  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => this.log.error({ err: error }, "lab sweep failed"));
    }, everyMs);
    this.timer.unref();
  }

  /** Adds a chore to every sweep; its failure is logged and stops nothing else. */
  addChore(chore: Chore): void {
    this.chores.push(chore);
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => {});
  }

  /** One sweep (a second call during a sweep joins it); returns what it did to labs. */
  sweep(): Promise<SweepAction[]> {
    this.running ??= this.sweepOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async sweepOnce(): Promise<SweepAction[]> {
    try {
      return await this.sweepLabs();
    } finally {
      for (const chore of this.chores) {
        await chore
          .run(this.labs.now())
          .catch((error: unknown) => this.log.error({ err: error }, `${chore.name} failed`));
      }
    }
  }

  private async sweepLabs(): Promise<SweepAction[]> {
    const clocks = labClocks(this.db);
    if (clocks.length === 0) return [];
    const states = new Map((await this.labs.summaries()).map((l) => [l.lab, l.state]));
    // A lab whose engine does not answer is left alone until it answers again.
    const labs: SweptLab[] = clocks.flatMap((clock) => {
      const state = states.get(clock.lab) ?? "missing";
      if (state === "unavailable") return [];
      return [{ ...clock, state, busy: this.labs.isBusy(clock.lab) }];
    });
    const actions = sweepActions(this.labs.now(), labs, this.labs.lifetime);
    const done: SweepAction[] = [];
    for (const action of actions) {
      try {
        if (action.kind === "destroy") await this.labs.expire(action.lab);
        else if (action.kind === "stop") await this.labs.stopIdle(action.lab);
        else forgetLabClock(this.db, action.lab);
        this.log.info({ lab: action.lab, action: action.kind }, "lab lifetime");
        done.push(action);
      } catch (error) {
        this.log.error({ err: error, lab: action.lab, action: action.kind }, "lab lifetime failed");
      }
    }
    return done;
  }
}
