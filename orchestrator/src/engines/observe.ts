// Observing the pool's engines: whether each answers (a ping with a deadline), and what each
// lists, all engines at once; an engine that does not answer is listed as the store's records.
import type { LabPlan } from "../plan/types.ts";
import { type Engine, errorMessage } from "../runtime/engine.ts";
import type { EngineLab, EngineMember } from "./engines.ts";
import type { PlacementRecord } from "./records.ts";
import type { EngineListing } from "./stale.ts";

/** How long an engine may take to answer a ping before it counts as unreachable. */
const PING_TIMEOUT_MS = 3_000;

/** Why the engine does not answer, or null when it does. */
export async function unreachable(engine: Engine): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)),
      PING_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([engine.ping(), timeout]);
    return null;
  } catch (error) {
    return errorMessage(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Every member's listing with `list`, all at once: what an engine that answers lists, or for one
 * that does not (to a ping, or to the listing) the labs `placementsOn` it and why.
 */
export function listEach<T>(
  members: EngineMember[],
  list: (engine: Engine) => Promise<T[]>,
  placementsOn: (engine: string) => PlacementRecord[],
): Promise<EngineListing<T>[]> {
  return Promise.all(
    members.map(async (member): Promise<EngineListing<T>> => {
      const engine = member.spec.name;
      // One ping per engine: its error is the listing's, and says whether the engine answers.
      const down = await unreachable(member.engine);
      const answer =
        down !== null
          ? { error: down }
          : await list(member.engine).then(
              (listed) => ({ listed }),
              (failure: unknown) => ({ error: errorMessage(failure) }),
            );
      return "listed" in answer
        ? { engine, listed: answer.listed, error: null, stored: [] }
        : { engine, listed: null, error: answer.error, stored: placementsOn(engine) };
    }),
  );
}

/** The listings' labs: listed by the engines that answer, stored for the others. */
export function engineLabs(listings: EngineListing<LabPlan>[]): EngineLab[] {
  return listings.flatMap(({ engine, listed, stored }): EngineLab[] =>
    listed
      ? listed.map((plan) => ({ engine, available: true, plan }))
      : stored.map((record) => ({ engine, available: false, record })),
  );
}
