// The pool of Docker engines the service spreads labs over. Each whole lab lives on one engine
// (its L2 behaviour needs one bridge); the pool chooses the engine of a new lab (placement.ts),
// finds the engine of an existing one, says which engines answer, caps each engine's labs, and
// has the stale copies of re-placed labs taken down (stale.ts). With no pool configured it holds
// the one engine of old and does nothing else: no pings, no records.
import Docker from "dockerode";
import type { LabPlan } from "../plan/types.ts";
import { type Engine, EngineUnavailableError, errorMessage } from "../runtime/engine.ts";
import { listLabRecords, readLabRecord } from "../runtime/lab-record.ts";
import type { Db } from "../store/db.ts";
import { ImageCopies } from "./images.ts";
import {
  chooseEngine,
  type EngineLoad,
  type EngineSlots,
  type LabNeeds,
  labNeeds,
} from "./placement.ts";
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
import { type EngineListing, StaleCopies, withoutStale } from "./stale.ts";

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
  private readonly stale: StaleCopies;
  private readonly images = new ImageCopies();

  private constructor(
    pooled: boolean,
    db: Db | null,
    labsPerEngine: number | null,
    log: (message: string) => void,
  ) {
    this.pooled = pooled;
    this.db = db;
    this.labsPerEngine = labsPerEngine;
    this.stale = new StaleCopies(log, (lab, engine, owner, topology) =>
      this.placedOn(lab, engine, owner, topology),
    );
  }

  /** The one engine of a service with no pool configured, capped at `labsPerEngine` labs. */
  static single(engine: Engine, labsPerEngine: number | null = null): EnginePool {
    const pool = new EnginePool(false, null, labsPerEngine, logToStderr);
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
   * at most `labsPerEngine` labs, and at most its capacity's. `log` hears what the pool does on
   * its own (stale copies taken down, or failing to be).
   */
  static fromSpecs(
    specs: EngineSpec[],
    db?: Db,
    labsPerEngine: number | null = null,
    log: (message: string) => void = logToStderr,
  ): EnginePool {
    if (db) ensurePoolTables(db);
    const pool = new EnginePool(true, db ?? null, labsPerEngine, log);
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
  async openEngines(): Promise<EngineSlots[]> {
    if (!this.pooled) {
      const member = this.list()[0] as PoolMember;
      const labs = (await listLabRecords(member.engine)).map((plan) => plan.lab);
      return [{ labs, cap: this.capacityOf(member).labs }];
    }
    const observed = await this.observe();
    return this.list().flatMap((member, i) => {
      if (member.drained || observed.reachability[i] !== null) return [];
      const held = this.held(member.spec.name, observed.labs);
      return [{ labs: held.ids, cap: this.capacityOf(member).labs }];
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
    return pooledLabs(await this.eachEngine(listLabRecords));
  }

  /**
   * Lists every engine's labs with `list`, all engines at once: what an engine that answers
   * lists (less the stale copies there, which are taken down meanwhile), or for an engine that
   * does not (to a ping, or to the listing), the labs the store places there and why. The single
   * engine of old is listed as it always was: an engine that fails fails the listing.
   */
  async eachEngine<T extends { lab: string }>(
    list: (engine: Engine) => Promise<T[]>,
  ): Promise<EngineListing<T>[]> {
    const listings = await Promise.all(
      this.list().map(async (member): Promise<EngineListing<T>> => {
        const engine = member.spec.name;
        if (!this.pooled) {
          return { engine, listed: await list(member.engine), error: null, stored: [] };
        }
        // One ping per engine: its error is the listing's, and says whether the engine answers.
        const down = await this.unreachable(member);
        const answer =
          down !== null
            ? { error: down }
            : await list(member.engine).then(
                (listed) => ({ listed }),
                (failure: unknown) => ({ error: errorMessage(failure) }),
              );
        return "listed" in answer
          ? { engine, listed: answer.listed, error: null, stored: [] }
          : { engine, listed: null, error: answer.error, stored: this.storedOn(engine) };
      }),
    );
    const judged = withoutStale(
      listings,
      (lab) => this.placed.get(lab)?.engine,
      (lab) => this.pending.get(lab)?.engine,
    );
    for (const { engine, lab, home } of judged.stale) {
      const copy = this.members.get(engine);
      const current = this.members.get(home);
      if (!copy || !current) continue;
      this.stale.takeDown(lab, {
        copy: { name: engine, engine: copy.engine },
        home: { name: home, engine: current.engine },
      });
    }
    return judged.listings;
  }

  /** The labs the store places on the engine. */
  storedOn(engine: string): PlacementRecord[] {
    return [...this.placed.values()].filter((r) => r.engine === engine);
  }

  /** Each engine with its load, capacity and whether it answers. */
  async reports(): Promise<EngineReport[]> {
    return this.withPending(await this.observe());
  }

  /** What the engines hold and why each does not answer (null: it does), read from them. */
  private async observe(): Promise<{ labs: PooledLab[]; reachability: (string | null)[] }> {
    const listings = await this.eachEngine(listLabRecords);
    return { labs: pooledLabs(listings), reachability: listings.map((l) => l.error) };
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
          here.reduce((sum, l) => sum + (l.available ? labNeeds(l.plan).memoryBytes : 0), 0) +
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
  async place(lab: string, owner: string, { memoryBytes, images }: LabNeeds): Promise<PoolMember> {
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
    const listings = await this.eachEngine(listLabRecords);
    const labs = pooledLabs(listings);
    // An engine that answers a ping but fails to list its labs keeps its stored placements.
    const answering = new Set(listings.filter((l) => l.listed !== null).map((l) => l.engine));
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

  /**
   * Copies to `member` the images it lacks, from the other engines (one copy per image at a
   * time); refuses the lab, before anything is created, when no engine has one of them.
   */
  private async provide(member: PoolMember, images: string[]): Promise<void> {
    const source = (m: PoolMember) => ({ name: m.spec.name, engine: m.engine });
    const missing = await this.images.provide(
      source(member),
      this.list()
        .filter((m) => m !== member)
        .map(source),
      images,
    );
    if (missing.length > 0) {
      throw new PoolRequestError(
        "image_missing",
        `image ${missing.join(", ")} is on no engine of the pool; build it on one ('socketlab images build' with DOCKER_HOST set to that engine) or load it there`,
      );
    }
  }
}

/** The listings' labs: listed by the engines that answer, stored for the others. */
function pooledLabs(listings: EngineListing<LabPlan>[]): PooledLab[] {
  return listings.flatMap(({ engine, listed, stored }): PooledLab[] =>
    listed
      ? listed.map((plan) => ({ engine, available: true, plan }))
      : stored.map((record) => ({ engine, available: false, record })),
  );
}

function logToStderr(message: string): void {
  process.stderr.write(`socketlab: engine pool: ${message}\n`);
}

export function pooledLabId(lab: PooledLab): string {
  return lab.available ? lab.plan.lab : lab.record.lab;
}
