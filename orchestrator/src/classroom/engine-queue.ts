// The engines' cap on labs: beyond it a new lab waits for a place, first come first served. Each
// engine holds at most its cap (SOCKETLAB_LABS_PER_ENGINE, or a pool engine's `labs` capacity),
// and a lab waits until some engine that may take new labs has a free place. Places are counted
// on the engines (every lab record, whoever made it, so that labs made with the CLI count too)
// together with the labs admitted here and still being brought up. A place frees when this
// service destroys a lab or a bring-up fails; labs removed by other means are noticed at the next
// periodic look.

import type { EngineSlots } from "../engines/placement.ts";
import { UnavailableError } from "./errors.ts";

/** Where the queue looks for places: the engine pool (engines/pool.ts). */
export interface PlaceSource {
  /** Whether any engine has a cap; without one nobody waits and nothing is looked at. */
  labsCapped(): boolean;
  /** The engines that may take new labs (open and answering); throws when it cannot tell. */
  openEngines(): Promise<EngineSlots[]>;
}

/**
 * How many more labs the engines can take: their free places, less the admitted labs that hold
 * none yet (an admitted lab already listed on an engine holds its place there).
 */
export function freePlaces(engines: EngineSlots[], admitted: Iterable<string>): number {
  let free = 0;
  for (const engine of engines) {
    if (engine.cap === null) return Number.POSITIVE_INFINITY;
    free += Math.max(0, engine.cap - new Set(engine.labs).size);
  }
  const listed = new Set(engines.flatMap((e) => e.labs));
  const unplaced = [...new Set(admitted)].filter((lab) => !listed.has(lab)).length;
  return free - unplaced;
}

interface Waiter {
  lab: string;
  resolve: () => void;
  reject: (error: Error) => void;
}

const RECHECK_MS = 5_000;

export class EngineQueue {
  private readonly source: PlaceSource;
  private readonly recheckMs: number;
  private readonly waiting: Waiter[] = [];
  /** Labs admitted and not yet brought up (their record may not exist yet). */
  private readonly admitted = new Set<string>();
  private pumping = false;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(source: PlaceSource, recheckMs = RECHECK_MS) {
    this.source = source;
    this.recheckMs = recheckMs;
  }

  /** How many labs wait for a place. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves when `lab` has a place: at once when no engine has a cap or a place is free. Refused
   * (unavailable: no_engine) when no engine may take new labs at all (every one drained or unreachable).
   */
  enter(lab: string): Promise<void> {
    if (!this.source.labsCapped()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push({ lab, resolve, reject });
      this.pump();
    });
  }

  /** `lab`'s bring-up is over: its record on the engine, if it has one, now holds its place. */
  leave(lab: string): void {
    if (this.admitted.delete(lab)) this.pump();
  }

  /** A lab is gone from its engine: the next in line may take its place. */
  freed(): void {
    this.pump();
  }

  /** Refuses every lab still waiting: the service is stopping. */
  close(): void {
    clearTimeout(this.timer);
    this.refuseAll(new UnavailableError("shutting_down", "the service is shutting down"));
  }

  private refuseAll(error: UnavailableError): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
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
      const engines = await this.source.openEngines().catch(() => null);
      const head = this.waiting[0];
      if (!engines || !head) break;
      if (engines.length === 0) {
        this.refuseAll(
          new UnavailableError(
            "no_engine",
            "no engine takes new labs (every one is drained or does not answer)",
          ),
        );
        break;
      }
      if (freePlaces(engines, this.admitted) < 1) break;
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
