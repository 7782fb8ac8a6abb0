// Where a new lab goes: a pure choice over the engines' loads, so that it is tested without
// engines. A student's labs stay together when their engine has room (a student's labs often
// talk to the instructor's tooling on the same host, and a class's load then spreads by
// student); otherwise the engine with the most free capacity takes it. Drained engines and
// engines that do not answer take none.

export interface EngineLoad {
  name: string;
  drained: boolean;
  available: boolean;
  /** Labs on the engine (and being placed there). */
  labs: number;
  /** Memory their nodes' limits add up to, bytes. */
  memoryBytes: number;
  /** Owners of those labs. */
  owners: string[];
  capacity: { labs: number | null; memoryBytes: number | null };
}

export interface PlacementRequest {
  owner: string;
  /** Memory the lab's nodes' limits add up to, bytes. */
  memoryBytes: number;
}

export type Placement = { ok: true; engine: string } | { ok: false; reason: string };

export function chooseEngine(loads: EngineLoad[], request: PlacementRequest): Placement {
  const open = loads.filter((l) => l.available && !l.drained);
  if (open.length === 0) {
    return {
      ok: false,
      reason: "no engine of the pool takes new labs (all drained or unreachable)",
    };
  }
  const fitting = open.filter((l) => fits(l, request.memoryBytes));
  if (fitting.length === 0) {
    return {
      ok: false,
      reason: `no engine has room for a lab of ${mebibytes(request.memoryBytes)} MiB (every open engine is full)`,
    };
  }
  const ranked = [...fitting].sort(
    (a, b) =>
      Number(b.owners.includes(request.owner)) - Number(a.owners.includes(request.owner)) ||
      freeShare(b) - freeShare(a) ||
      a.labs - b.labs ||
      a.name.localeCompare(b.name),
  );
  return { ok: true, engine: (ranked[0] as EngineLoad).name };
}

function fits(load: EngineLoad, memoryBytes: number): boolean {
  const { labs, memoryBytes: memory } = load.capacity;
  return (
    (labs === null || load.labs + 1 <= labs) &&
    (memory === null || load.memoryBytes + memoryBytes <= memory)
  );
}

/** The scarcer of free lab slots and free memory, as a share of the capacity (1: unlimited). */
export function freeShare(load: EngineLoad): number {
  const shares = [1];
  if (load.capacity.labs !== null) shares.push(1 - load.labs / load.capacity.labs);
  if (load.capacity.memoryBytes !== null) {
    shares.push(1 - load.memoryBytes / load.capacity.memoryBytes);
  }
  return Math.min(...shares);
}

const mebibytes = (bytes: number) => Math.ceil(bytes / 1024 ** 2);
