// Where the pool's labs are: the placements recorded in the store (records.ts), which name the
// labs of an engine that does not answer, and the reservations of labs being placed, whose
// records are not on their engine yet. The engines' own lab records stay the truth.
import type { Db } from "../store/db.ts";
import { type EngineLab, engineLabId } from "./engines.ts";
import {
  ensurePoolTables,
  forgetPlacement,
  type PlacementRecord,
  placements,
  recordPlacement,
} from "./records.ts";

export interface Reservation {
  engine: string;
  owner: string;
  memoryBytes: number;
}

/** What an engine holds: the labs listed there (or stored) and the reservations not listed yet. */
export interface EngineContents {
  listed: EngineLab[];
  reserved: Reservation[];
  /** The ids of both. */
  ids: string[];
}

export class PlacementLedger {
  private readonly db: Db | null;
  /** lab -> where the store says it lives. */
  private readonly recorded = new Map<string, PlacementRecord>();
  /** Labs given an engine whose record is not written there yet. */
  private readonly reserved = new Map<string, Reservation>();

  /** Placements read from `db` (none: nothing is recorded, as the CLI keeps no store). */
  constructor(db: Db | null) {
    this.db = db;
    if (!db) return;
    ensurePoolTables(db);
    for (const record of placements(db)) this.recorded.set(record.lab, record);
  }

  /** The engine the store places the lab on. */
  recordedFor(lab: string): PlacementRecord | undefined {
    return this.recorded.get(lab);
  }

  /** The engine the lab is being placed on. */
  reservedFor(lab: string): string | undefined {
    return this.reserved.get(lab)?.engine;
  }

  /** The labs the store places on the engine. */
  recordedOn(engine: string): PlacementRecord[] {
    return [...this.recorded.values()].filter((r) => r.engine === engine);
  }

  /** The reservations on the engine. */
  reservationsOn(engine: string): Reservation[] {
    return [...this.reserved.values()].filter((r) => r.engine === engine);
  }

  allRecorded(): PlacementRecord[] {
    return [...this.recorded.values()];
  }

  reserve(lab: string, reservation: Reservation): void {
    this.reserved.set(lab, reservation);
  }

  /** The lab's record is on `engine` now: its reservation ends and the store records it there. */
  record(lab: string, engine: string, owner: string, topology: string): void {
    this.reserved.delete(lab);
    if (!this.db) return;
    const record = { lab, engine, owner, topology };
    this.recorded.set(lab, record);
    recordPlacement(this.db, record);
  }

  abandon(lab: string): void {
    this.reserved.delete(lab);
  }

  forget(lab: string): void {
    this.reserved.delete(lab);
    if (!this.recorded.delete(lab) || !this.db) return;
    forgetPlacement(this.db, lab);
  }

  /** The labs on the engine `name` among `labs`, and those reserved there (not listed there yet). */
  contentsOf(name: string, labs: EngineLab[]): EngineContents {
    const listed = labs.filter((l) => l.engine === name);
    const listedIds = listed.map(engineLabId);
    const placing = [...this.reserved.entries()].filter(
      ([lab, r]) => r.engine === name && !listedIds.includes(lab),
    );
    return {
      listed,
      reserved: placing.map(([, r]) => r),
      ids: [...listedIds, ...placing.map(([lab]) => lab)],
    };
  }
}
