// A pool of Docker engines (docs/operator.md: Engines), one implementation of `Engines`: membership
// (members.ts, kept in step with a source such as a swarm: source.ts), where labs are (ledger.ts), what the engines answer (observe.ts), finding a lab
// by its record (lookup.ts), the choice of an engine (placement.ts), images copied to it
// (images.ts) and stale copies of re-placed labs taken down (stale.ts).
import { dockerodeEngine } from "../runtime/docker/dockerode.ts";
import { type Engine, errorMessage } from "../runtime/engine.ts";
import { listLabRecords, readLabRecord } from "../runtime/lab-record.ts";
import type { Db } from "../store/db.ts";
import {
  capacityOf,
  EngineDownError,
  type EngineLab,
  type EngineMember,
  type EngineReport,
  type EngineState,
  type Engines,
  engineLabId,
  type LabLocation,
  PoolRequestError,
} from "./engines.ts";
import { ImageCopies } from "./images.ts";
import { PlacementLedger } from "./ledger.ts";
import { searchRecord } from "./lookup.ts";
import { type Connect, Members } from "./members.ts";
import { engineLabs, listEach, unreachable } from "./observe.ts";
import {
  chooseEngine,
  type EngineLoad,
  type EngineSlots,
  type LabNeeds,
  labNeeds,
} from "./placement.ts";
import type { PlacementRecord } from "./records.ts";
import type { EngineSource } from "./source.ts";
import { describeHost, dockerOptions, type EngineSpec, toEngineSpec } from "./spec.ts";
import { type EngineListing, StaleCopies, withoutStale } from "./stale.ts";

export class EnginePool implements Engines {
  private readonly members: Members;
  private readonly ledger: PlacementLedger;
  /** The cap on every engine's labs (SOCKETLAB_LABS_PER_ENGINE); null: none. */
  private readonly labsPerEngine: number | null;
  private readonly stale: StaleCopies;
  private readonly images = new ImageCopies();
  private readonly source: EngineSource | null;
  private readonly log: (message: string) => void;
  /** What the source last said it could not take in (or failed with), so that it is logged once. */
  private sourceProblems = new Set<string>();

  /**
   * The engines of the service's engines file, with those added through the API and the drain
   * marks kept in `db` (none: the file's engines alone, as the CLI lists them). Each engine holds
   * at most `labsPerEngine` labs, and at most its capacity's. `log` hears what the pool does on
   * its own (stale copies taken down, or failing to be). `connect` opens an engine's connection.
   * With a `source` the pool takes in the source's engines before each look at its engines.
   */
  static fromSpecs(
    specs: EngineSpec[],
    db?: Db,
    labsPerEngine: number | null = null,
    log: (message: string) => void = logToStderr,
    connect: Connect = (spec) => dockerodeEngine(dockerOptions(spec)),
    source: EngineSource | null = null,
  ): EnginePool {
    return new EnginePool(specs, db ?? null, labsPerEngine, log, connect, source);
  }

  private constructor(
    specs: EngineSpec[],
    db: Db | null,
    labsPerEngine: number | null,
    log: (message: string) => void,
    connect: Connect,
    source: EngineSource | null,
  ) {
    this.source = source;
    this.log = log;
    this.ledger = new PlacementLedger(db);
    this.members = new Members(specs, db, connect);
    this.labsPerEngine = labsPerEngine;
    this.stale = new StaleCopies(log, (lab, engine, owner, topology) =>
      this.recordPlacement(lab, engine, owner, topology),
    );
  }

  get primary(): Engine {
    return this.members.primary.engine;
  }

  list(): EngineMember[] {
    return this.members.list();
  }

  member(name: string): EngineMember {
    return this.members.member(name);
  }

  capacityOf(member: EngineMember): EngineLoad["capacity"] {
    return capacityOf(member, this.labsPerEngine);
  }

  labsCapped(): boolean {
    return this.list().some((m) => this.capacityOf(m).labs !== null);
  }

  async openEngines(): Promise<EngineSlots[]> {
    const observed = await this.observe();
    return this.list().flatMap((member, i) => {
      if (member.drained || observed.reachability[i] !== null) return [];
      const { ids } = this.ledger.contentsOf(member.spec.name, observed.labs);
      return [{ labs: ids, cap: this.capacityOf(member).labs }];
    });
  }

  /**
   * Takes in the source's engines; when the source does not answer, the pool keeps the engines it
   * knows (each still pinged on its own).
   */
  private async refresh(): Promise<void> {
    if (!this.source) return;
    let problems: string[];
    try {
      const listed = await this.source.engines();
      this.members.sync(listed.specs);
      problems = listed.problems;
    } catch (error) {
      problems = [
        `the ${this.source.name} does not answer (${errorMessage(error)}); the pool keeps the engines it knew`,
      ];
    }
    for (const problem of problems) if (!this.sourceProblems.has(problem)) this.log(problem);
    this.sourceProblems = new Set(problems);
  }

  async readiness(log: (error: unknown, message: string) => void) {
    await this.refresh();
    const engines = await Promise.all(
      this.list().map(async (member): Promise<EngineState> => {
        const error = await unreachable(member.engine);
        if (error !== null) log(error, `engine ${member.spec.name} not reachable`);
        return {
          name: member.spec.name,
          available: error === null,
          drained: member.drained,
          error,
        };
      }),
    );
    return { engine: engines.some((s) => s.available && !s.drained), engines };
  }

  async labs(): Promise<EngineLab[]> {
    return engineLabs(await this.eachEngine(listLabRecords));
  }

  /**
   * Lists every engine's labs (observe.ts), less the stale copies, which are taken down
   * meanwhile.
   */
  async eachEngine<T extends { lab: string }>(
    list: (engine: Engine) => Promise<T[]>,
  ): Promise<EngineListing<T>[]> {
    await this.refresh();
    const listings = await listEach(this.list(), list, (engine) => this.placementsOn(engine));
    const judged = withoutStale(
      listings,
      (lab) => this.ledger.recordedFor(lab)?.engine,
      (lab) => this.ledger.reservedFor(lab),
    );
    for (const { engine, lab, home } of judged.stale) {
      const copy = this.members.find(engine);
      const current = this.members.find(home);
      if (!copy || !current) continue;
      this.stale.takeDown(lab, {
        copy: { name: engine, engine: copy.engine },
        home: { name: home, engine: current.engine },
      });
    }
    return judged.listings;
  }

  /** The labs the store places on the engine. */
  placementsOn(engine: string): PlacementRecord[] {
    return this.ledger.recordedOn(engine);
  }

  async reports(): Promise<EngineReport[]> {
    return this.loads(await this.observe());
  }

  /** What the engines hold and why each does not answer (null: it does), read from them. */
  private async observe(): Promise<{ labs: EngineLab[]; reachability: (string | null)[] }> {
    const listings = await this.eachEngine(listLabRecords);
    return { labs: engineLabs(listings), reachability: listings.map((l) => l.error) };
  }

  /** The engines' loads: what they hold plus the reservations (read now, not awaited). */
  private loads({ labs, reachability }: Awaited<ReturnType<EnginePool["observe"]>>) {
    return this.list().map((member, i): EngineReport => {
      const { listed, reserved, ids } = this.ledger.contentsOf(member.spec.name, labs);
      return {
        name: member.spec.name,
        host: describeHost(member.spec),
        drained: member.drained,
        available: reachability[i] === null,
        error: reachability[i] ?? null,
        labs: ids.length,
        memoryBytes:
          listed.reduce((sum, l) => sum + (l.available ? labNeeds(l.plan).memoryBytes : 0), 0) +
          reserved.reduce((sum, r) => sum + r.memoryBytes, 0),
        owners: [
          ...listed.map((l) => (l.available ? l.plan.owner : l.record.owner)),
          ...reserved.map((r) => r.owner),
        ],
        capacity: this.capacityOf(member),
      };
    });
  }

  /** The images the lab needs are copied to the chosen engine first from an engine that has them. */
  async place(
    lab: string,
    owner: string,
    { memoryBytes, images }: LabNeeds,
  ): Promise<EngineMember> {
    // The reservations are counted after the last await, and nothing is awaited between the
    // choice and the reservation: concurrent placements see each other.
    const observed = await this.observe();
    const choice = chooseEngine(this.loads(observed), { owner, memoryBytes });
    if (!choice.ok) throw new PoolRequestError("no_room", choice.reason);
    const member = this.member(choice.engine);
    this.ledger.reserve(lab, { engine: choice.engine, owner, memoryBytes });
    try {
      await this.provide(member, images);
    } catch (error) {
      this.ledger.abandon(lab);
      throw error;
    }
    return member;
  }

  recordPlacement(lab: string, engine: string, owner: string, topology: string): void {
    this.ledger.record(lab, engine, owner, topology);
  }

  abandon(lab: string): void {
    this.ledger.abandon(lab);
  }

  forget(lab: string): void {
    this.ledger.forget(lab);
  }

  /** The store's engine, or the first engine that holds the lab's record. */
  async locate(lab: string): Promise<LabLocation | null> {
    const known = this.ledger.recordedFor(lab);
    const knownMember = known ? this.members.find(known.engine) : undefined;
    if (known && knownMember) {
      const down = await unreachable(knownMember.engine);
      if (down !== null) return { member: knownMember, available: false, record: known };
      if (await readLabRecord(knownMember.engine, lab)) {
        return { member: knownMember, available: true };
      }
      // Its engine answers and no longer holds it (taken down from outside): the record is stale.
      this.forget(lab);
    }
    const found = (await this.searchRecord(lab, knownMember)).found[0];
    if (!found) return null;
    this.recordPlacement(lab, found.member.spec.name, found.plan.owner, found.plan.topology);
    return { member: found.member, available: true };
  }

  /** Asks every engine (but `skip`) at once whether it holds the lab's record (lookup.ts). */
  searchRecord(lab: string, skip?: EngineMember) {
    return searchRecord(
      lab,
      this.list().filter((member) => member !== skip),
    );
  }

  /** A lab found nowhere goes to the first engine, which answers that it has no such lab. */
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

  add(input: unknown, path = ""): EngineMember {
    return this.members.add(toEngineSpec(input, path));
  }

  drain(name: string, drained: boolean): EngineMember {
    return this.members.drain(name, drained);
  }

  /** On the engine, or in the store when it does not answer. */
  async remove(name: string): Promise<void> {
    const member = this.member(name);
    if (this.members.size === 1) {
      throw new PoolRequestError("engine_in_use", `engine ${name} is the pool's last engine`);
    }
    const held = (await this.labs()).filter((l) => l.engine === name).map(engineLabId);
    const placing = this.ledger.reservationsOn(name);
    if (held.length > 0 || placing.length > 0) {
      throw new PoolRequestError(
        "engine_in_use",
        `engine ${name} still holds ${held.length + placing.length} lab(s) (${held.slice(0, 5).join(", ")}); drain it and take them down first`,
      );
    }
    this.members.delete(member.spec.name);
  }

  /**
   * Every lab found on an engine that answers is placed there, a stored lab no longer on its
   * answering engine is forgotten, and labs of engines that do not answer keep their stored
   * place. (A stale copy of a lab, on an engine the store does not place it on, is taken down by
   * `labs`.)
   */
  async rebuild(): Promise<{ found: number; unavailable: number }> {
    const listings = await this.eachEngine(listLabRecords);
    const labs = engineLabs(listings);
    // An engine that answers a ping but fails to list its labs keeps its stored placements.
    const answering = new Set(listings.filter((l) => l.listed !== null).map((l) => l.engine));
    for (const record of this.ledger.allRecorded()) {
      const stillThere = labs.some(
        (l) => l.available && l.engine === record.engine && l.plan.lab === record.lab,
      );
      if (answering.has(record.engine) && !stillThere) this.forget(record.lab);
    }
    let found = 0;
    for (const l of labs) {
      if (!l.available) continue;
      this.recordPlacement(l.plan.lab, l.engine, l.plan.owner, l.plan.topology);
      found++;
    }
    return { found, unavailable: labs.filter((l) => !l.available).length };
  }

  /**
   * Copies to `member` the images it lacks, from the other engines (one copy per image at a
   * time); refuses the lab, before anything is created, when no engine has one of them.
   */
  private async provide(member: EngineMember, images: string[]): Promise<void> {
    const source = (m: EngineMember) => ({ name: m.spec.name, engine: m.engine });
    const others = this.list().filter((m) => m !== member);
    const missing = await this.images.provide(source(member), others.map(source), images);
    if (missing.length > 0) {
      throw new PoolRequestError(
        "image_missing",
        `image ${missing.join(", ")} is on no engine of the pool; build it on one ('socketlab images build' with DOCKER_HOST set to that engine) or load it there`,
      );
    }
  }
}

function logToStderr(message: string): void {
  process.stderr.write(`socketlab: engine pool: ${message}\n`);
}
