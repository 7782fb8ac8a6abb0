// The commands' side of a pool of engines (docs/operator.md: Engines), loaded only when one is configured
// (--engines FILE or SOCKETLAB_ENGINES). The CLI keeps no store: it finds a lab by asking every
// engine for the lab's record, and places a new lab by the service's rules (capacity, caps,
// images copied), except that a lab finding every engine at its cap is refused, not queued.
import { quotasFromEnv } from "../config.ts";
import { readEngines } from "../engines/configured.ts";
import { type EngineMember, PoolRequestError } from "../engines/engines.ts";
import { labNeeds } from "../engines/placement.ts";
import { EnginePool } from "../engines/pool.ts";
import { describeHost } from "../engines/spec.ts";
import { type LabSummary, listLabs } from "../labs/status.ts";
import { EngineUnavailableError } from "../runtime/engine.ts";
import { labRecordWrittenAt } from "../runtime/lab-record.ts";
import type { Topology } from "../topology/model.ts";
import type { Target } from "./target.ts";

/** The engines file's pool (its list, or its swarm's nodes), each engine capped as the service caps it. */
export async function filePool(file: string): Promise<EnginePool> {
  const { specs, source } = await readEngines(file);
  return EnginePool.fromSpecs(
    specs,
    undefined,
    quotasFromEnv().perEngine,
    undefined,
    undefined,
    source ?? null,
  );
}

const target = (member: EngineMember): Target => ({
  engine: member.engine,
  name: member.spec.name,
});

const where = (member: EngineMember) => `engine ${member.spec.name} (${describeHost(member.spec)})`;

/**
 * The engine holding `lab`; null when no engine holds it and all answer. When an engine does not
 * answer and no other holds the lab, the lab may be there: `whenSilent` says what that means for
 * the command, and is thrown.
 */
async function findLab(
  pool: EnginePool,
  lab: string,
  whenSilent: (silent: string) => string,
): Promise<EngineMember | null> {
  const { found, silent } = await pool.searchRecord(lab);
  const current = await currentCopy(lab, found);
  if (current) return current;
  const first = silent[0];
  if (first) {
    throw new EngineUnavailableError(whenSilent(`${where(first.member)} (${first.error})`));
  }
  return null;
}

/**
 * The engine holding `lab`. A lab on no engine goes to the first, which answers that it has no
 * such lab; but when an engine does not answer the lab may be there, and that is the error.
 */
export async function engineOfLab(file: string, lab: string): Promise<Target> {
  const pool = await filePool(file);
  const found = await findLab(
    pool,
    lab,
    (silent) =>
      `lab ${lab} is on none of the engines that answer; ${silent} does not answer, and the lab may be there`,
  );
  return target(found ?? (pool.list()[0] as EngineMember));
}

/**
 * The engine to bring `lab` up on: the one that holds it, or for a new lab the one the pool
 * places it on (the images it lacks are copied there from an engine that has them).
 */
export async function labPlace(
  file: string,
  lab: string,
  owner: string,
  topology: Topology,
): Promise<Target> {
  const pool = await filePool(file);
  const found = await findLab(
    pool,
    lab,
    (silent) =>
      `${silent} does not answer: lab ${lab} may be there, so it is not created elsewhere; bring the engine back or take it out of ${file}`,
  );
  if (found) return target(found);
  try {
    return target(await pool.place(lab, owner, labNeeds(topology)));
  } catch (error) {
    if (error instanceof PoolRequestError) throw new EngineUnavailableError(error.message);
    throw error;
  }
}

/**
 * The engine holding the lab; null: none. Of two copies (one left on an engine that was away
 * while the lab was re-placed, until the service takes it down) the one written last is the lab.
 */
async function currentCopy(
  lab: string,
  copies: { member: EngineMember }[],
): Promise<EngineMember | null> {
  if (copies.length < 2) return copies[0]?.member ?? null;
  const dated = await Promise.all(
    copies.map(async ({ member }) => ({
      member,
      at: (await labRecordWrittenAt(member.engine, lab)) ?? 0,
    })),
  );
  dated.sort((a, b) => b.at - a.at);
  const [newest, next] = dated as [(typeof dated)[0], (typeof dated)[0]];
  if (newest.at === next.at) {
    throw new EngineUnavailableError(
      `lab ${lab} is on ${copies.map((h) => `engine ${h.member.spec.name}`).join(" and ")}, written at the same time: choose one with SOCKETLAB_ENGINES= DOCKER_HOST=<its host>`,
    );
  }
  return newest.member;
}

/** Every engine's labs, or why the engine does not answer. */
export async function poolLabs(
  file: string,
): Promise<{ engine: string; labs: LabSummary[]; error: string | null }[]> {
  const listings = await (await filePool(file)).eachEngine(listLabs);
  return listings.map(({ engine, listed, error }) => ({ engine, labs: listed ?? [], error }));
}
