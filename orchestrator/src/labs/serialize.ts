// Runs tasks on one engine one at a time, in the order they were asked for. Planning subnets and
// creating the networks that claim them must not interleave: two labs planned at once would pick
// the same free subnets.
import type { Engine } from "../runtime/engine.ts";

const tails = new WeakMap<Engine, Promise<unknown>>();

export function serialized<T>(engine: Engine, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(engine) ?? Promise.resolve();
  const result = previous.then(task, task);
  tails.set(
    engine,
    result.catch(() => {}),
  );
  return result;
}
