// A stand-in for the engine pool in the queue's tests: one engine capped at `limit` labs, whose
// labs are listed by a function, so that labs appear and vanish exactly when a test says.
import type { PlaceSource } from "../../src/classroom/engine-queue.ts";

export function oneEngine(
  limit: number | null,
  labsOnEngine: () => Promise<string[]>,
): PlaceSource {
  return {
    labsCapped: () => limit !== null,
    openEngines: async () => [{ labs: await labsOnEngine(), cap: limit }],
  };
}
