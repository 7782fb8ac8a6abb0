// The pool of Docker engines the service spreads labs over. Each whole lab lives on one engine
// (its L2 behaviour needs one bridge); the pool chooses the engine of a new lab (placement.ts),
// finds the engine of an existing one, says which engines answer, caps each engine's labs, and
// takes down the stale copies of re-placed labs. With no pool configured it holds the one engine
// of old and does nothing else: no pings, no records.
import Docker from "dockerode";
import { downLab } from "../labs/lifecycle.ts";
import type { LabPlan } from "../plan/types.ts";
import { type Engine, EngineUnavailableError, errorMessage } from "../runtime/engine.ts";
import { labRecordWrittenAt, listLabRecords, readLabRecord } from "../runtime/lab-record.ts";
import type { Db } from "../store/db.ts";
import { provideImages } from "./images.ts";
import { chooseEngine, type EngineLoad } from "./placement.ts";
import {
  ensurePoolTables,
  forgetEngine,
  forgetPlacement,
  type PlacementRecord,
  placements,
  recordPlacement,
  storeAddedEngine,
  storeDrained,
  storedEngines,
} from "./records.ts";
import { describeHost, dockerOptions, type EngineSpec } from "./spec.ts";

/** How long an engine may take to answer a ping before it counts as unreachable. */
const PING_TIMEOUT_MS = 3_000;

/** The lab's engine does not answer. */
export class EngineDownError extends EngineUnavailableError {
  readonly engine: string;
  constructor(engine: string, message: string) {
    super(message);
    this.engine = engine;
  }
}

/** A pool request that cannot be carried out (no room, no image, an unknown or busy engine). */
export class PoolRequestError extends Error {
  readonly kind: "no_room" | "image_missing" | "unknown_engine" | "engine_exists" | "engine_in_use";
  constructor(kind: PoolRequestError["kind"], message: string) {
    super(message);
    this.kind = kind;
  }
}

export interface PoolMember {
  spec: EngineSpec;
  engine: Engine;
  drained: boolean;
}

export interface EngineReport extends EngineLoad {
  host: string;
  /** Why the engine counts as unreachable; null when it answers. */
  error: string | null;
}

/** A lab on an engine that answers, or a lab the store places on one that does not. */
export type PooledLab =
  | { engine: string; available: true; plan: LabPlan }
  | { engine: string; available: false; record: PlacementRecord };

/** An engine that may take new labs: the labs it holds or is being given, and its cap. */
export interface OpenEngine {
  name: string;
  labs: string[];
  /** Labs it may hold; null: no limit. */
  cap: number | null;
}

/** An engine's labs as listed there; null when it does not answer: then the store's records. */
export interface EngineListing<T> {
  engine: string;
  listed: T[] | null;
  stored: PlacementRecord[];
}

interface Pending {
  engine: string;
  owner: string;
  memoryBytes: number;
}

export class EnginePool {
  /** false: the single engine of old (no pool configured). */
  readonly pooled: boolean;
  private readonly members = new Map<string, PoolMember>();
  private readonly db: Db | null;
  /** The cap on every engine's labs (SOCKETLAB_LABS_PER_ENGINE); null: none. */
  private readonly labsPerEngine: number | null;
  /** lab -> where the store says it lives. */
  private readonly placed = new Map<string, PlacementRecord>();
  /** Labs given an engine whose record is not written there yet. */
  private readonly pending = new Map<string, Pending>();
  /** Stale copies being taken down, by `engine lab`. */
  private readonly removals = new Set<string>();
  /** Image copies under way, by `engine image`: concurrent placements share one. */
  private readonly copies = new Map<string, Promise<{ copied: string[]; missing: string[] }>>();

  private constructor(pooled: boolean, db: Db | null, labsPerEngine: number | null) {
    this.pooled = pooled;
    this.db = db;
    this.labsPerEngine = labsPerEngine;
  }

  /** The one engine of a service with no pool configured, capped at `labsPerEngine` labs. */
  static single(engine: Engine, labsPerEngine: number | null = null): EnginePool {
    const pool = new EnginePool(false, null, labsPerEngine);
    pool.members.set("local", {
      spec: {
        name: "local",
        host: "local",
        capacity: { labs: null, memoryBytes: null },
        drained: false,
      },
      engine,
      drained: false,
    });
    return pool;
  }

  /**
   * The engines of the service's engines file, with those added through the API and the drain
   * marks kept in `db` (none: the file's engines alone, as the CLI lists them). Each engine holds
   * at most `labsPerEngine` labs, and at most its capacity's.
   */
  static fromSpecs(specs: EngineSpec[], db?: Db, labsPerEngine: number | null = null): EnginePool {
    if (db) ensurePoolTables(db);
    const pool = new EnginePool(true, db ?? null, labsPerEngine);
    const stored = db ? storedEngines(db) : [];
    for (const spec of specs) pool.join(spec);
    for (const row of stored) if (row.spec && !pool.members.has(row.name)) pool.join(row.spec);
    for (const row of stored) {
      const member = pool.members.get(row.name);
      if (member) member.drained = row.drained;
    }
    for (const record of db ? placements(db) : []) pool.placed.set(record.lab, record);
    return pool;
  }

  /** The first engine: the service's own images are built there. */
  get primary(): Engine {
    return (this.members.values().next().value as PoolMember).engine;
  }

  list(): PoolMember[] {
    return [...this.members.values()];
  }

  /** What the engine may hold: its capacity, with its labs capped by the pool's cap too. */
  capacityOf(member: PoolMember): EngineLoad["capacity"] {
    const { labs, memoryBytes } = member.spec.capacity;
    const caps = [labs, this.labsPerEngine].filter((cap) => cap !== null);
    return { labs: caps.length > 0 ? Math.min(...caps) : null, memoryBytes };
  }

  /** Whether any engine has a cap on its labs (then new labs may have to wait for a place). */
  labsCapped(): boolean {
    return this.list().some((m) => this.capacityOf(m).labs !== null);
  }

  /** The engines that may take new labs (open and answering), with the labs each holds. */
  async openEngines(): Promise<OpenEngine[]> {
    if (!this.pooled) {
      const member = this.list()[0] as PoolMember;
      const labs = (await listLabRecords(member.engine)).map((plan) => plan.lab);
      return [{ name: member.spec.name, labs, cap: this.capacityOf(member).labs }];
    }
    const observed = await this.observe();
    return this.list().flatMap((member, i) => {
      if (member.drained || observed.reachability[i] !== null) return [];
      const held = this.held(member.spec.name, observed.labs);
      return [{ name: member.spec.name, labs: held.ids, cap: this.capacityOf(member).labs }];
    });
  }

  member(name: string): PoolMember {
    const member = this.members.get(name);
    if (!member) throw new PoolRequestError("unknown_engine", `no engine ${name} in the pool`);
    return member;
  }

  /** Why the engine does not answer, or null when it does. */
  async unreachable(member: PoolMember): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer in ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([member.engine.ping(), timeout]);
      return null;
    } catch (error) {
      return errorMessage(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Every lab of the pool: read from the engines that answer, from the store for the others. */
  async labs(): Promise<PooledLab[]> {
    const listings = await this.eachEngine(listLabRecords);
    return listings.flatMap(({ engine, listed, stored }): PooledLab[] =>
      listed
        ? listed.map((plan) => ({ engine, available: true, plan }))
        : stored.map((record) => ({ engine, available: false, record })),
    );
  }

  /**
   * Lists every engine's labs with `list`, all engines at once: what an engine that answers
   * lists (less the stale copies there, which are taken down meanwhile), or for an engine that
   * does not, the labs the store places there. The single engine of old is listed as it always
   * was: an engine that fails fails the listing.
   */
  async eachEngine<T extends { lab: string }>(
    list: (engine: Engine) => Promise<T[]>,
  ): Promise<EngineListing<T>[]> {
    const listings = await Promise.all(
      this.list().map(async (member): Promise<EngineListing<T>> => {
        const engine = member.spec.name;
        if (!this.pooled) return { engine, listed: await list(member.engine), stored: [] };
        const listed =
          (await this.unreachable(member)) !== null
            ? null
            : await list(member.engine).catch(() => null);
        return { engine, listed, stored: listed ? [] : this.storedOn(engine) };
      }),
    );
    return this.withoutStale(listings);
  }

  /**
   * A lab listed on an engine while the store places it on another engine, which answers and
   * lists it too, is a stale copy: left behind on an engine that was away while the lab was
   * re-placed (reset elsewhere), and brought back by the engine's restart policy. It is left out
   * of the listings and taken down on its engine (once its record is known to be the older).
   */
  private withoutStale<T extends { lab: string }>(listings: EngineListing<T>[]) {
    const listedOn = (engine: string, lab: string) =>
      listings.some((l) => l.engine === engine && l.listed?.some((item) => item.lab === lab));
    return listings.map((listing) => {
      if (!listing.listed) return listing;
      const current = listing.listed.filter((item) => {
        const home = this.placed.get(item.lab)?.engine;
        const stale = home !== undefined && home !== listing.engine && listedOn(home, item.lab);
        if (stale) this.takeDownStale(listing.engine, item.lab, home);
        return !stale;
      });
      return { ...listing, listed: current };
    });
  }

  /** Takes a stale copy down (once at a time); one that fails is tried again when next seen. */
  private takeDownStale(engine: string, lab: string, home: string): void {
    const key = `${engine} ${lab}`;
    const copy = this.members.get(engine);
    const current = this.members.get(home);
    if (!copy || !current || this.removals.has(key)) return;
    this.removals.add(key);
    this.removeOlderCopy(copy, current, lab)
      .catch(() => {})
      .finally(() => this.removals.delete(key));
  }

  /**
   * Takes the lab's copy on `copy` down when its record is older than the one on `home`, where
   * the store places the lab. A newer copy means the store is wrong (rebuilt on an empty database
   * while both copies existed): the lab is placed there instead, and the next listing takes the
   * older copy down.
   */
  private async removeOlderCopy(copy: PoolMember, home: PoolMember, lab: string): Promise<void> {
    const [copyAt, homeAt] = await Promise.all([
      labRecordWrittenAt(copy.engine, lab),
      labRecordWrittenAt(home.engine, lab),
    ]);
    if (copyAt === null || homeAt === null || copyAt === homeAt) return;
    if (copyAt < homeAt) {
      await downLab(copy.engine, lab);
      return;
    }
    const plan = await readLabRecord(copy.engine, lab);
    if (plan) this.placedOn(lab, copy.spec.name, plan.owner, plan.topology);
  }

  /** The labs the store places on the engine. */
  storedOn(engine: string): PlacementRecord[] {
    return [...this.placed.values()].filter((r) => r.engine === engine);
  }

  /** Each engine with its load, capacity and whether it answers. */
  async reports(): Promise<EngineReport[]> {
    return this.withPending(await this.observe());
  }

  /** What the engines hold and whether they answer, read from them. */
  private async observe(): Promise<{ labs: PooledLab[]; reachability: (string | null)[] }> {
    const labs = await this.labs();
    const reachability = await Promise.all(this.list().map((m) => this.reachability(m, labs)));
    return { labs, reachability };
  }

  /** The engines' loads: what they hold plus the placements under way (read now, not awaited). */
  private withPending({ labs, reachability }: Awaited<ReturnType<EnginePool["observe"]>>) {
    return this.list().map((member, i): EngineReport => {
      const { here, pending, ids } = this.held(member.spec.name, labs);
      return {
        name: member.spec.name,
        host: describeHost(member.spec),
        drained: member.drained,
        available: reachability[i] === null,
        error: reachability[i] ?? null,
        labs: ids.length,
        memoryBytes:
          here.reduce((sum, l) => sum + (l.available ? planMemory(l.plan) : 0), 0) +
          pending.reduce((sum, p) => sum + p.memoryBytes, 0),
        owners: [
          ...here.map((l) => (l.available ? l.plan.owner : l.record.owner)),
          ...pending.map((p) => p.owner),
        ],
        capacity: this.capacityOf(member),
      };
    });
  }

  /** The labs on the engine `name` and those being placed there (not listed there yet). */
  private held(name: string, labs: PooledLab[]) {
    const here = labs.filter((l) => l.engine === name);
    const hereIds = here.map(pooledLabId);
    const placing = [...this.pending.entries()].filter(
      ([lab, p]) => p.engine === name && !hereIds.includes(lab),
    );
    return {
      here,
      pending: placing.map(([, p]) => p),
      ids: [...hereIds, ...placing.map(([lab]) => lab)],
    };
  }

  /**
   * Chooses the engine of a new lab and holds its place there until `placed` or `abandon`. The
   * images the lab needs are copied there first from an engine that has them.
   */
  async place(
    lab: string,
    owner: string,
    memoryBytes: number,
    images: string[],
  ): Promise<PoolMember> {
    let member: PoolMember;
    if (!this.pooled) {
      member = this.list()[0] as PoolMember;
    } else {
      // The placements under way are counted after the last await, and nothing is awaited
      // between the choice and holding the place: concurrent placements see each other.
      const observed = await this.observe();
      const choice = chooseEngine(this.withPending(observed), { owner, memoryBytes });
      if (!choice.ok) throw new PoolRequestError("no_room", choice.reason);
      member = this.member(choice.engine);
      this.pending.set(lab, { engine: choice.engine, owner, memoryBytes });
      try {
        await this.provide(member, images);
      } catch (error) {
        this.pending.delete(lab);
        throw error;
      }
    }
    return member;
  }

  /** The lab's record is on `engine` now (or it was found there). */
  placedOn(lab: string, engine: string, owner: string, topology: string): void {
    this.pending.delete(lab);
    if (!this.pooled || !this.db) return;
    const record = { lab, engine, owner, topology };
    this.placed.set(lab, record);
    recordPlacement(this.db, record);
  }

  /** A placement that did not come to be. */
  abandon(lab: string): void {
    this.pending.delete(lab);
  }

  /** The lab is gone from its engine. */
  forget(lab: string): void {
    this.pending.delete(lab);
    if (!this.placed.delete(lab) || !this.db) return;
    forgetPlacement(this.db, lab);
  }

  /**
   * Where the lab lives: the store's engine, or the first engine that holds its record. null when
   * no engine that answers holds it and the store places it nowhere.
   */
  async locate(
    lab: string,
  ): Promise<{ member: PoolMember; available: boolean; record?: PlacementRecord } | null> {
    if (!this.pooled) return { member: this.list()[0] as PoolMember, available: true };
    const known = this.placed.get(lab);
    const knownMember = known ? this.members.get(known.engine) : undefined;
    if (known && knownMember) {
      const down = await this.unreachable(knownMember);
      if (down !== null) return { member: knownMember, available: false, record: known };
      if (await readLabRecord(knownMember.engine, lab))
        return { member: knownMember, available: true };
      // Its engine answers and no longer holds it (taken down from outside): the record is stale.
      this.forget(lab);
    }
    const found = (await this.holdersOf(lab, knownMember)).holders[0];
    if (!found) return null;
    this.placedOn(lab, found.member.spec.name, found.plan.owner, found.plan.topology);
    return { member: found.member, available: true };
  }

  /**
   * Asks every engine (but `skip`) at once whether it holds the lab's record: the engines that
   * do, in the pool's order, and those that do not answer. (The CLI, which keeps no store, finds
   * labs this way.)
   */
  async holdersOf(
    lab: string,
    skip?: PoolMember,
  ): Promise<{
    holders: { member: PoolMember; plan: LabPlan }[];
    silent: { member: PoolMember; error: string }[];
  }> {
    const answers = await Promise.all(
      this.list()
        .filter((member) => member !== skip)
        .map(async (member) => {
          const down = await this.unreachable(member);
          if (down !== null) return { member, error: down, plan: null };
          return readLabRecord(member.engine, lab).then(
            (plan) => ({ member, error: null, plan }),
            (error: unknown) => ({ member, error: errorMessage(error), plan: null }),
          );
        }),
    );
    return {
      holders: answers.flatMap(({ member, plan }) => (plan ? [{ member, plan }] : [])),
      silent: answers.flatMap(({ member, error }) => (error !== null ? [{ member, error }] : [])),
    };
  }

  /**
   * The engine to send an operation on `lab` to. A lab found nowhere goes to the first engine,
   * which answers that it has no such lab. Throws EngineDownError when the lab's engine does not
   * answer.
   */
  async forLab(lab: string): Promise<Engine> {
    const where = await this.locate(lab);
    if (!where) return this.primary;
    if (!where.available) {
      throw new EngineDownError(
        where.member.spec.name,
        `lab ${lab} is on engine ${where.member.spec.name}, which does not answer; reset the lab to bring it up on another engine`,
      );
    }
    return where.member.engine;
  }

  /** Adds an engine (an instructor's request); kept in the store across restarts. */
  add(spec: EngineSpec): PoolMember {
    if (this.members.has(spec.name)) {
      throw new PoolRequestError(
        "engine_exists",
        `the pool already has an engine named ${spec.name}`,
      );
    }
    const member = this.join(spec);
    if (this.db) storeAddedEngine(this.db, spec);
    return member;
  }

  /** A drained engine keeps its labs and takes no new one. */
  drain(name: string, drained: boolean): PoolMember {
    const member = this.member(name);
    member.drained = drained;
    if (this.db) storeDrained(this.db, name, drained);
    return member;
  }

  /** Removes an engine that holds no lab (on the engine, or in the store when it does not answer). */
  async remove(name: string): Promise<void> {
    const member = this.member(name);
    if (this.members.size === 1) {
      throw new PoolRequestError("engine_in_use", `engine ${name} is the pool's last engine`);
    }
    const held = (await this.labs()).filter((l) => l.engine === name).map(pooledLabId);
    const placing = [...this.pending.values()].filter((p) => p.engine === name);
    if (held.length > 0 || placing.length > 0) {
      throw new PoolRequestError(
        "engine_in_use",
        `engine ${name} still holds ${held.length + placing.length} lab(s) (${held.slice(0, 5).join(", ")}); drain it and take them down first`,
      );
    }
    this.members.delete(member.spec.name);
    if (this.db) forgetEngine(this.db, name);
  }

  /**
   * Rebuilds the store's placements from what the engines hold (at start): every lab found on an
   * engine that answers is placed there, a stored lab no longer on its answering engine is
   * forgotten, and labs of engines that do not answer keep their stored place. (A stale copy of a
   * lab, on an engine the store does not place it on, is taken down by `labs`.)
   */
  async rebuild(): Promise<{ found: number; unavailable: number }> {
    if (!this.pooled) return { found: 0, unavailable: 0 };
    const labs = await this.labs();
    const answering = new Set(labs.filter((l) => l.available).map((l) => l.engine));
    for (const member of this.list()) {
      if ((await this.unreachable(member)) === null) answering.add(member.spec.name);
    }
    for (const record of [...this.placed.values()]) {
      const stillThere = labs.some(
        (l) => l.available && l.engine === record.engine && l.plan.lab === record.lab,
      );
      if (answering.has(record.engine) && !stillThere) this.forget(record.lab);
    }
    let found = 0;
    for (const l of labs) {
      if (!l.available) continue;
      this.placedOn(l.plan.lab, l.engine, l.plan.owner, l.plan.topology);
      found++;
    }
    return { found, unavailable: labs.filter((l) => !l.available).length };
  }

  private join(spec: EngineSpec): PoolMember {
    const member = { spec, engine: new Docker(dockerOptions(spec)), drained: spec.drained };
    this.members.set(spec.name, member);
    return member;
  }

  private async reachability(member: PoolMember, labs: PooledLab[]): Promise<string | null> {
    // An engine whose labs were just read answers; the others are asked.
    if (labs.some((l) => l.engine === member.spec.name && l.available)) return null;
    return this.unreachable(member);
  }

  /**
   * Copies to `member` the images it lacks, from the other engines (one copy per image at a
   * time); refuses the lab, before anything is created, when no engine has one of them.
   */
  private async provide(member: PoolMember, images: string[]): Promise<void> {
    const sources = this.list()
      .filter((m) => m !== member)
      .map((m) => ({ name: m.spec.name, engine: m.engine }));
    const results = await Promise.all(
      [...new Set(images)].map((image) => {
        const key = `${member.spec.name} ${image}`;
        let copy = this.copies.get(key);
        if (!copy) {
          copy = provideImages({ name: member.spec.name, engine: member.engine }, sources, [
            image,
          ]).finally(() => this.copies.delete(key));
          this.copies.set(key, copy);
        }
        return copy;
      }),
    );
    const missing = results.flatMap((r) => r.missing);
    if (missing.length > 0) {
      throw new PoolRequestError(
        "image_missing",
        `image ${missing.join(", ")} is on no engine of the pool; build it on one ('socketlab images build' with DOCKER_HOST set to that engine) or load it there`,
      );
    }
  }
}

/** Memory the plan's nodes' limits add up to. */
export function planMemory(plan: Pick<LabPlan, "nodes">): number {
  return plan.nodes.reduce((sum, n) => sum + n.limits.memoryBytes, 0);
}

export function pooledLabId(lab: PooledLab): string {
  return lab.available ? lab.plan.lab : lab.record.lab;
}
