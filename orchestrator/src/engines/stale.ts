// Stale copies of re-placed labs. A lab re-placed (reset elsewhere) while its engine was away
// still has its old copy there, brought back by the engine's restart policy when the engine
// answers again. The copy is left out of the listings and taken down on its engine, but only
// when its record is older than the current copy's: a newer copy means the store is wrong.
import { downLab } from "../labs/lifecycle.ts";
import { type Engine, errorMessage } from "../runtime/engine.ts";
import { labRecordWrittenAt, readLabRecord } from "../runtime/lab-record.ts";
import type { PlacementRecord } from "./records.ts";

/** An engine's labs as listed there; null when it does not answer: then the store's records. */
export interface EngineListing<T> {
  engine: string;
  listed: T[] | null;
  /** Why the engine's labs could not be listed (no answer to a ping, or a failed listing). */
  error: string | null;
  stored: PlacementRecord[];
}

export interface StaleCopy {
  /** The engine holding the stale copy. */
  engine: string;
  lab: string;
  /** The engine holding the current copy. */
  home: string;
}

/**
 * The listings less the stale copies, and the copies to take down. A lab's current engine is the
 * one it is being brought up on (`bringingUp`), else the one the store places it on (`recordedEngine`);
 * a copy elsewhere is stale when the current engine lists the lab too. A lab being brought up is
 * never taken down anywhere until its placement is recorded: its new copy is the current one, and
 * its old one is judged once the bring-up is over (it may yet fail).
 */
export function withoutStale<T extends { lab: string }>(
  listings: EngineListing<T>[],
  recordedEngine: (lab: string) => string | undefined,
  bringingUp: (lab: string) => string | undefined,
): { listings: EngineListing<T>[]; stale: StaleCopy[] } {
  const listedOn = (engine: string, lab: string) =>
    listings.some((l) => l.engine === engine && l.listed?.some((item) => item.lab === lab));
  const stale: StaleCopy[] = [];
  const current = listings.map((listing) => {
    if (!listing.listed) return listing;
    const kept = listing.listed.filter((item) => {
      const arriving = bringingUp(item.lab);
      const home = arriving ?? recordedEngine(item.lab);
      if (home === undefined || home === listing.engine || !listedOn(home, item.lab)) return true;
      if (arriving === undefined) stale.push({ engine: listing.engine, lab: item.lab, home });
      return false;
    });
    return { ...listing, listed: kept };
  });
  return { listings: current, stale };
}

export interface CopyEngines {
  /** The engine of the stale copy and of the current one. */
  copy: { name: string; engine: Engine };
  home: { name: string; engine: Engine };
}

/** Takes stale copies down, one at a time per copy; one that fails is tried again when next seen. */
export class StaleCopies {
  private readonly removals = new Set<string>();
  private readonly log: (message: string) => void;
  /** Called when the copy turns out to be the newer: the lab is placed on its engine instead. */
  private readonly placeOnCopy: (
    lab: string,
    engine: string,
    owner: string,
    topology: string,
  ) => void;

  constructor(
    log: (message: string) => void,
    placeOnCopy: (lab: string, engine: string, owner: string, topology: string) => void,
  ) {
    this.log = log;
    this.placeOnCopy = placeOnCopy;
  }

  /** Starts taking the copy down (not awaited: listings do not wait for it). */
  takeDown(lab: string, { copy, home }: CopyEngines): void {
    const key = `${copy.name} ${lab}`;
    if (this.removals.has(key)) return;
    this.removals.add(key);
    this.removeOlderCopy(lab, copy, home)
      .catch((error: unknown) =>
        this.log(
          `stale copy of lab ${lab} on engine ${copy.name}: not taken down (${errorMessage(error)}); tried again when next seen`,
        ),
      )
      .finally(() => this.removals.delete(key));
  }

  /**
   * Takes the lab's copy on `copy` down when its record is older than the one on `home`. A newer
   * copy means the store is wrong (rebuilt on an empty database while both copies existed): the
   * lab is placed there instead, and the next listing takes the older copy down.
   */
  private async removeOlderCopy(
    lab: string,
    copy: CopyEngines["copy"],
    home: CopyEngines["home"],
  ): Promise<void> {
    const [copyAt, homeAt] = await Promise.all([
      labRecordWrittenAt(copy.engine, lab),
      labRecordWrittenAt(home.engine, lab),
    ]);
    if (copyAt === null || homeAt === null || copyAt === homeAt) return;
    if (copyAt < homeAt) {
      await downLab(copy.engine, lab);
      this.log(
        `stale copy of lab ${lab} taken down on engine ${copy.name} (current on ${home.name})`,
      );
      return;
    }
    const plan = await readLabRecord(copy.engine, lab);
    if (plan) this.placeOnCopy(lab, copy.name, plan.owner, plan.topology);
  }
}
