// A bound on how many tasks run at once: the engine calls of every lab being brought up in this
// process share one per engine, so that a class brought up together does not open hundreds of
// requests to its engine at the same moment.
import type { Engine } from "./engine.ts";

export class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`slots: size ${size} is not a count`);
    this.free = size;
  }

  /**
   * Runs `task` once a slot is free (in the order asked for), holding the slot until it settles.
   * A task must not wait for another task of the same slots, or a full set could wait forever.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next task waiting, if any.
      if (next) next();
      else this.free += 1;
    }
  }
}

/**
 * Engine calls at once per engine, for the creations, starts and gate openings of converging:
 * enough to keep a 2-core engine busy (its calls are short), few enough that a class does not
 * queue thousands of requests inside dockerd.
 */
export const ENGINE_CALLS_AT_ONCE = 8;

const perEngine = new WeakMap<Engine, Slots>();

/** The slots every converge on `engine` in this process shares. */
export function engineSlots(engine: Engine): Slots {
  let slots = perEngine.get(engine);
  if (slots === undefined) {
    slots = new Slots(ENGINE_CALLS_AT_ONCE);
    perEngine.set(engine, slots);
  }
  return slots;
}
