// The engines the service spreads labs over, as its callers see them: one interface with two
// implementations, a single engine (single.ts) and a pool of engines (pool.ts). Each whole lab
// lives on one engine (its L2 behaviour needs one bridge); the engines choose the engine of a new
// lab, find the engine of an existing one, say which engines answer and cap each engine's labs.
import type { LabPlan } from "../plan/types.ts";
import { type Engine, EngineUnavailableError } from "../runtime/engine.ts";
import type { EngineLoad, EngineSlots, LabNeeds } from "./placement.ts";
import type { PlacementRecord } from "./records.ts";
import type { EngineSpec } from "./spec.ts";
import type { EngineListing } from "./stale.ts";

/** The lab's engine does not answer. */
export class EngineDownError extends EngineUnavailableError {
  readonly engine: string;
  constructor(engine: string, message: string) {
    super(message);
    this.engine = engine;
  }
}

/** A request the engines cannot carry out (no room, no image, an unknown or busy engine, no pool). */
export class PoolRequestError extends Error {
  readonly kind:
    | "no_room"
    | "image_missing"
    | "unknown_engine"
    | "engine_exists"
    | "engine_in_use"
    | "no_pool";
  constructor(kind: PoolRequestError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface EngineMember {
  spec: EngineSpec;
  engine: Engine;
  drained: boolean;
}

export interface EngineReport extends EngineLoad {
  host: string;
  /** Why the engine counts as unreachable; null when it answers. */
  error: string | null;
}

/** An engine's state as readiness reports it. */
export interface EngineState {
  name: string;
  available: boolean;
  drained: boolean;
  error: string | null;
}

/** A lab on an engine that answers, or a lab the store places on one that does not. */
export type EngineLab =
  | { engine: string; available: true; plan: LabPlan }
  | { engine: string; available: false; record: PlacementRecord };

export function engineLabId(lab: EngineLab): string {
  return lab.available ? lab.plan.lab : lab.record.lab;
}

/** Where a lab lives; `record` (the store's) when its engine does not answer. */
export interface LabLocation {
  member: EngineMember;
  available: boolean;
  record?: PlacementRecord;
}

export interface Engines {
  /** The first engine: the service's own images are built there. */
  readonly primary: Engine;
  list(): EngineMember[];
  /** Whether any engine has a cap on its labs (then new labs may have to wait for a place). */
  labsCapped(): boolean;
  /** The engines that may take new labs (open and answering), with the labs each holds. */
  openEngines(): Promise<EngineSlots[]>;
  /**
   * Whether an engine that takes labs answers; a pool adds every engine's state. `log` hears why
   * an engine does not answer.
   */
  readiness(
    log: (error: unknown, message: string) => void,
  ): Promise<{ engine: boolean; engines?: EngineState[] }>;
  /** Each engine with its load, capacity and whether it answers. */
  reports(): Promise<EngineReport[]>;
  /**
   * Lists every engine's labs with `list`: what an engine that answers lists, or for one that
   * does not, the labs the store places there and why.
   */
  eachEngine<T extends { lab: string }>(
    list: (engine: Engine) => Promise<T[]>,
  ): Promise<EngineListing<T>[]>;
  /** Every lab: read from the engines that answer, from the store for the others. */
  labs(): Promise<EngineLab[]>;
  /** Where the lab lives; null when no engine that answers holds it and the store has no place. */
  locate(lab: string): Promise<LabLocation | null>;
  /** The engine to send an operation on `lab` to; EngineDownError when it does not answer. */
  forLab(lab: string): Promise<Engine>;
  /** Chooses the engine of a new lab and reserves its place there until recorded or abandoned. */
  place(lab: string, owner: string, needs: LabNeeds): Promise<EngineMember>;
  /** The lab's record is on `engine` now (or it was found there). */
  recordPlacement(lab: string, engine: string, owner: string, topology: string): void;
  /** A placement that did not come to be. */
  abandon(lab: string): void;
  /** The lab is gone from its engine. */
  forget(lab: string): void;
  /**
   * Adds the engine `input` describes (kept across restarts); EngineSpecError names what is
   * wrong with it, under `path`.
   */
  add(input: unknown, path?: string): EngineMember;
  /** A drained engine keeps its labs and takes no new one. */
  drain(name: string, drained: boolean): EngineMember;
  /** Removes an engine that holds no lab. */
  remove(name: string): Promise<void>;
  /**
   * Brings the stored placements in line with what the engines hold (at start); null when there
   * are no stored placements to keep.
   */
  rebuild(): Promise<{ found: number; unavailable: number } | null>;
}

/** What a lab's engine may hold: its capacity, with its labs capped by the service's cap too. */
export function capacityOf(
  member: EngineMember,
  labsPerEngine: number | null,
): EngineLoad["capacity"] {
  const { labs, memoryBytes } = member.spec.capacity;
  const caps = [labs, labsPerEngine].filter((cap) => cap !== null);
  return { labs: caps.length > 0 ? Math.min(...caps) : null, memoryBytes };
}
