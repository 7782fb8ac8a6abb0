// The engine's cap on labs: beyond it a new lab waits for a place, first come first served.
// Places are counted on the engine (every lab record, whoever made it, so that labs made with
// the CLI count too) together with the labs admitted here and still being brought up. A place
// frees when this service destroys a lab or a bring-up fails; labs removed by other means are
// noticed at the next periodic look.
import { ApiError } from "../errors.ts";

/** Lists the ids of the labs on the engine. */
export type LabsOnEngine = () => Promise<string[]>;

interface Waiter {
  lab: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RECHECK_MS = 5_000;

export class EngineQueue {
  private readonly limit: number | null;
  private readonly labsOnEngine: LabsOnEngine;
  private readonly recheckMs: number;
  private readonly waiting: Waiter[] = [];
  /** Labs admitted and not yet brought up (their record may not exist yet). */
  private readonly admitted = new Set<string>();
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(limit: number | null, labsOnEngine: LabsOnEngine, recheckMs = RECHECK_MS) {
    this.limit = limit;
    this.labsOnEngine = labsOnEngine;
    this.recheckMs = recheckMs;
  }

  /** How many labs wait for a place. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves when `lab` has a place: at once when there is no cap or a place is free. */
  enter(lab: string): Promise<void> {
    if (this.limit === null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ lab, resolve, reject });
      this.pump();
    });
  }

  /** `lab`'s bring-up is over: its record on the engine, if it has one, now holds its place. */
  leave(lab: string): void {
    if (this.admitted.delete(lab)) this.pump();
  }

  /** A lab is gone from the engine: the next in line may take its place. */
  freed(): void {
    this.pump();
  }

  /** Refuses every lab still waiting: the service is stopping. */
  close(): void {
    clearTimeout(this.timer);
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(new ApiError(503, "shutting_down", "the service is shutting down"));
    }
  }

  /** One admission round at a time; a call during a round runs another round after it. */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    this.admit().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) {
        this.pumpAgain = false;
        this.pump();
      }
    });
  }

  private async admit(): Promise<void> {
    clearTimeout(this.timer);
    while (this.waiting.length > 0) {
      const onEngine = await this.labsOnEngine().catch(() => null);
      const head = this.waiting[0];
      if (!onEngine || !head) break;
      const held = new Set([...onEngine, ...this.admitted]);
      if (held.size >= (this.limit as number)) break;
      this.waiting.shift();
      this.admitted.add(head.lab);
      head.resolve();
    }
    // Still waiting: look again later, for labs removed behind this service's back.
    if (this.waiting.length > 0) {
      this.timer = setTimeout(() => this.pump(), this.recheckMs);
      this.timer.unref();
    }
  }
}
