// Where a new lab goes: a pure choice over the engines' loads, so that it is tested without
// engines. A student's labs stay together when their engine has room (a student's labs often
// talk to the instructor's tooling on the same host, and a class's load then spreads by
// student); otherwise the engine with the most free capacity takes it. Drained engines and
// engines that do not answer take none.
import { GUARD_IMAGE } from "../runtime/host-guard.ts";

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

/** An engine that may take new labs now: the labs it holds (or is being given) and its cap. */
export interface EngineSlots {
  labs: string[];
  /** Labs it may hold; null: no limit. */
  cap: number | null;
}

/** What a lab needs of its engine: the memory its nodes' limits add up to, and its images. */
export interface LabNeeds {
  memoryBytes: number;
  /** The nodes' images and the host guard's (each engine runs its own guard). */
  images: string[];
}

export function labNeeds(lab: {
  nodes: readonly { image: string; limits: { memoryBytes: number } }[];
}): LabNeeds {
  return {
    memoryBytes: lab.nodes.reduce((sum, n) => sum + n.limits.memoryBytes, 0),
    images: [...new Set([...lab.nodes.map((n) => n.image), GUARD_IMAGE])],
  };
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
function freeShare(load: EngineLoad): number {
  const shares = [1];
  if (load.capacity.labs !== null) shares.push(1 - load.labs / load.capacity.labs);
  if (load.capacity.memoryBytes !== null) {
    shares.push(1 - load.memoryBytes / load.capacity.memoryBytes);
  }
  return Math.min(...shares);
}

const mebibytes = (bytes: number) => Math.ceil(bytes / 1024 ** 2);
