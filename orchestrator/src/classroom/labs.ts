// Labs as the service offers them: the lifecycle of orchestrator/src/labs, with ownership checked
// and lab ids chosen for the user. Over 400 lines, as one class: every operation goes through the
// same access check, busy marks, clock and audit, which pieces of it would all have to share.
import { PassThrough, type Readable } from "node:stream";
import {
  DEFAULT_LIFETIME,
  DEFAULT_QUOTAS,
  type Lifetime,
  parseDuration,
  type Quotas,
} from "../config.ts";
import {
  type EngineLab,
  type EngineMember,
  type Engines,
  engineLabId,
  PoolRequestError,
} from "../engines/engines.ts";
import { labNeeds } from "../engines/placement.ts";
import { networkBridge } from "../labs/capture.ts";
import { type CheckResult, runChecks } from "../labs/checks.ts";
import { downLab, resetNodes, upLab } from "../labs/lifecycle.ts";
import {
  type LabStatus,
  type LabSummary,
  labStatus,
  listLabs,
  type NodeStatus,
} from "../labs/status.ts";
import { resumeLab, stopLab } from "../labs/suspend.ts";
import { captureBridge } from "../runtime/capture.ts";
import { type PhaseSpan, recordingClock } from "../runtime/phase-clock.ts";
import { audit } from "../store/audit.ts";
import { type HistoryEntry, labHistory } from "../store/check-history.ts";
import {
  type CheckRun,
  forgetCheckRuns,
  lastCheckRun,
  recordCheckRun,
} from "../store/check-runs.ts";
import type { Db } from "../store/db.ts";
import type { PlacementRecord } from "../store/engines.ts";
import {
  clockLab,
  extendLabClock,
  forgetLabClock,
  labClock,
  touchLabClock,
} from "../store/lab-activity.ts";
import { beginCreation, endCreation, unfinishedCreations } from "../store/lab-creations.ts";
import { forgetNodeStop, forgetNodeStops, type NodeStop, nodeStops } from "../store/node-stops.ts";
import { type User, userByLogin } from "../store/users.ts";
import type { Topology } from "../topology/model.ts";
import { canSeeOwner, ownerFilter } from "./access.ts";
import { ConcurrencyGate, type ConcurrencyLimits } from "./concurrency.ts";
import { diskLimitReason } from "./disk-watch.ts";
import { poolRefusal } from "./engine-errors.ts";
import { EngineQueue } from "./engine-queue.ts";
import {
  ConflictError,
  ForbiddenError,
  InvalidInputError,
  notFound,
  UnavailableError,
} from "./errors.ts";
import { extendedExpiry } from "./extension.ts";
import { recordGradedRun } from "./grades.ts";
import { chooseLabId, type Holder } from "./lab-ids.ts";
import type { Library } from "./library.ts";
import { type LabTimes, labTimes } from "./lifetime.ts";
import { checkQuotas } from "./quotas.ts";

/** The actor of the audit records the service writes on its own (expiry, idle stop). */
export const SERVICE_ACTOR = "@service";

/** A lab's state as the service gives it: `unavailable` when its engine does not answer. */
export type ServiceLabState = LabStatus["state"] | "unavailable";

/** Why the service stopped a node on its own, while it stays stopped. */
export interface NodeStopReason {
  cause: NodeStop["cause"];
  bytes: number;
  limitBytes: number;
  /** ISO time. */
  at: string;
  /** The same words its terminals were told. */
  message: string;
}

/** A node's status as the service gives it: with why the service stopped it, if it did. */
export type ServiceNodeStatus = NodeStatus & { stopReason: NodeStopReason | null };

/** A lab's status as the service gives it: `status --json` with the lab's times added. */
export type TimedLabStatus = Omit<LabStatus, "state" | "nodes"> & {
  state: ServiceLabState;
  nodes: ServiceNodeStatus[];
} & LabTimes;
export type TimedLabSummary = Omit<LabSummary, "state"> & { state: ServiceLabState } & LabTimes;

export interface CreatedLab {
  status: TimedLabStatus;
  created: boolean;
}

export interface LabServiceOptions {
  quotas?: Quotas;
  lifetime?: Lifetime;
  /** The clock (epoch ms); tests move it instead of waiting. */
  now?: () => number;
  /** Checks and captures at once, per lab and per user (default: concurrency.ts). */
  concurrency?: ConcurrencyLimits;
  /** Told where each lab's `up` spent its time, phase by phase (the service's debug log). */
  upTimings?: (lab: string, phases: PhaseSpan[], totalMs: number) => void;
}

export class LabService {
  private readonly engines: Engines;
  private readonly db: Db;
  private readonly library: Library;
  private readonly quotas: Quotas;
  readonly lifetime: Lifetime;
  readonly now: () => number;
  private readonly queue: EngineQueue;
  /**
   * Labs being brought up (or waiting for a place on the engine) in this process: their ids are
   * taken, and they count toward quotas, even before their record exists.
   */
  private readonly inflight = new Map<string, Required<Holder>>();
  /** Labs being reset or resumed here, by count: the sweeper leaves them alone. */
  private readonly working = new Map<string, number>();
  /** Checks and captures under way, bounded per lab and per user. */
  readonly gate: ConcurrencyGate;
  private readonly upTimings: LabServiceOptions["upTimings"];

  constructor(engines: Engines, db: Db, library: Library, options: LabServiceOptions = {}) {
    this.engines = engines;
    this.db = db;
    this.library = library;
    const quotas = options.quotas ?? DEFAULT_QUOTAS;
    this.quotas = quotas;
    this.lifetime = options.lifetime ?? DEFAULT_LIFETIME;
    this.now = options.now ?? Date.now;
    this.gate = new ConcurrencyGate(options.concurrency);
    this.upTimings = options.upTimings;
    // The pool caps each engine (its capacity, and quotas.perEngine given to it).
    this.queue = new EngineQueue(engines);
  }

  /** Refuses the labs still waiting for a place on the engine: the service is stopping. */
  close(): void {
    this.queue.close();
  }

  async list(user: User): Promise<TimedLabSummary[]> {
    const visible = ownerFilter(this.db, user);
    return (await this.summaries())
      .filter((lab) => visible(lab.owner))
      .map((lab) => ({ ...lab, ...this.times(lab.lab, lab.state) }));
  }

  /** Every lab of every engine; those of an engine that does not answer as `unavailable`. */
  async summaries(): Promise<(Omit<LabSummary, "state"> & { state: ServiceLabState })[]> {
    // Stale copies (left on an engine that was away while their lab was re-placed) are left out.
    const listings = await this.engines.eachEngine(listLabs);
    return listings
      .flatMap(
        ({ listed, stored }): (Omit<LabSummary, "state"> & { state: ServiceLabState })[] =>
          listed ??
          stored.map((record) => ({
            ...labOf(record),
            state: "unavailable" as const,
            nodes: 0,
            running: 0,
          })),
      )
      .sort((a, b) => a.lab.localeCompare(b.lab));
  }

  /** The lab's status, or not found when it does not exist or `user` may not see it. */
  async status(user: User, lab: string): Promise<TimedLabStatus> {
    const asked = this.now();
    const where = await this.engines.locate(lab);
    const status: (Omit<LabStatus, "state"> & { state: ServiceLabState }) | null =
      where?.available === false && where.record
        ? { ...labOf(where.record), state: "unavailable", networks: [], nodes: [] }
        : where
          ? await labStatus(where.member.engine, lab)
          : null;
    if (!status || !canSeeOwner(this.db, user, status.owner)) throw notFound(`lab ${lab}`);
    return this.timed(status, asked);
  }

  /**
   * `status` with the lab's times and why the service stopped its nodes; `asked`: when its nodes'
   * states were asked for (a stop recorded since is newer than what they say).
   */
  private timed(
    status: Omit<LabStatus, "state"> & { state: ServiceLabState },
    asked: number,
  ): TimedLabStatus {
    const stops = nodeStops(this.db, status.lab);
    const nodes = status.nodes.map((node) => {
      const stop = stops.get(node.name);
      if (stop && node.state === "running") forgetNodeStop(this.db, status.lab, node.name, asked);
      return { ...node, stopReason: stop && node.state !== "running" ? stopReason(stop) : null };
    });
    return { ...status, nodes, ...this.times(status.lab, status.state) };
  }

  /** Records activity on the lab (a user's action, a terminal's keystrokes): it is not idle. */
  touchLab(lab: string): void {
    touchLabClock(this.db, lab, this.now());
  }

  /** Whether the lab is being brought up, reset or resumed in this process. */
  isBusy(lab: string): boolean {
    return this.inflight.has(lab) || this.working.has(lab);
  }

  /**
   * Brings up `topology` for `ownerLogin` (default: `user` themself). A student's existing lab of
   * that topology is brought in line rather than duplicated.
   */
  async create(
    user: User,
    topology: string,
    ownerLogin?: string,
    ttl?: string,
  ): Promise<CreatedLab> {
    const owner = this.resolveOwner(user, ownerLogin ?? user.login);
    const expiresAt = this.requestedExpiry(user, ttl);
    const loaded = await this.library.load(topology);
    if (!loaded) throw notFound(`topology ${topology}`);
    if (!loaded.ok) {
      throw new ConflictError("topology_invalid", `library topology ${topology} does not load`);
    }
    const holders = this.holders(await this.engines.labs());
    // From here to `inflight.set` nothing is awaited, so two requests never pick the same id,
    // nor both take the last lab of a quota.
    const choice = chooseLabId(holders, owner, loaded.topology.name);
    const lab = choice.lab;
    if (!choice.reused) {
      checkQuotas(
        this.db,
        this.quotas,
        owner,
        [...holders.values()].map((h) => h.owner),
      );
    }
    // A new lab first waits for a place on the engine. One bring-up of a lab at a time: a second
    // request for the same lab waits for the first.
    const turn = choice.reused
      ? (choice.pending?.catch(() => {}) ?? Promise.resolve())
      : this.queue.enter(lab);
    const done = turn
      .then(() => {
        if (!choice.reused) this.beginNew(lab, owner, expiresAt);
        return this.bringUp(lab, owner, loaded.topology);
      })
      .then(
        (result) => {
          endCreation(this.db, lab);
          return result;
        },
        (error: unknown) => {
          // A new lab that failed was removed whole (labs/lifecycle.ts): no time for it either.
          if (!choice.reused) {
            endCreation(this.db, lab);
            forgetLabClock(this.db, lab);
          }
          throw error;
        },
      )
      .finally(() => {
        if (!choice.reused) this.queue.leave(lab);
      });
    this.inflight.set(lab, { owner, topology: loaded.topology.name, done });
    try {
      const { report } = await done;
      // A new lab under an id used before starts unchecked.
      if (!choice.reused) forgetCheckRuns(this.db, lab);
      // A lab brought up again keeps its expiry, unless staff asked for a new one.
      const now = this.now();
      const fallback = this.lifetime.ttl === null ? null : now + this.lifetime.ttl;
      clockLab(this.db, lab, now, expiresAt, fallback);
      audit(this.db, user.login, "lab.create", lab, { owner, topology, changes: report });
    } finally {
      if (this.inflight.get(lab)?.done === done) this.inflight.delete(lab);
    }
    const asked = this.now();
    const status = await labStatus(await this.engines.forLab(lab), lab);
    if (!status) throw new Error(`lab ${lab} has no record right after being brought up`);
    return { status: this.timed(status, asked), created: !choice.reused };
  }

  async reset(user: User, lab: string, nodes: string[]): Promise<TimedLabStatus> {
    const current = await this.status(user, lab);
    if (current.state === "unavailable") return this.replace(user, current);
    await this.whileWorking(lab, async () => {
      const report = await resetNodes(await this.engines.forLab(lab), lab, nodes);
      audit(this.db, user.login, "lab.reset", lab, { nodes, changes: report });
    });
    return this.status(user, lab);
  }

  /**
   * Brings a lab whose engine does not answer up anew on another engine: the same id, owner and
   * topology (from the library), pristine nodes. What it held on the old engine is lost.
   */
  private async replace(user: User, current: TimedLabStatus): Promise<TimedLabStatus> {
    const { lab, owner } = current;
    const loaded = await this.library.load(current.topology);
    if (!loaded?.ok) {
      throw new ConflictError(
        "topology_invalid",
        `lab ${lab}'s engine does not answer, and its topology ${current.topology} is not in the library to bring it up elsewhere`,
      );
    }
    await this.whileWorking(lab, async () => {
      const { report } = await this.bringUp(lab, owner, loaded.topology);
      audit(this.db, user.login, "lab.reset", lab, { nodes: [], changes: report, replaced: true });
    });
    return this.status(user, lab);
  }

  /** Starts a stopped lab again: the same containers, with their files. */
  async resume(user: User, lab: string): Promise<TimedLabStatus> {
    await this.status(user, lab);
    await this.whileWorking(lab, async () => {
      const report = await resumeLab(await this.engines.forLab(lab), lab);
      audit(this.db, user.login, "lab.resume", lab, { changes: report });
    });
    return this.status(user, lab);
  }

  /** Stops a lab's nodes, keeping their files: resume starts them again. */
  async stop(user: User, lab: string): Promise<TimedLabStatus> {
    const current = await this.status(user, lab);
    if (current.state === "unavailable") {
      throw new UnavailableError("engine_unavailable", `the engine of lab ${lab} does not answer`);
    }
    if (this.isBusy(lab)) {
      throw new ConflictError("lab_busy", `lab ${lab} is being brought up, reset or resumed`);
    }
    await this.whileWorking(lab, async () => {
      const nodes = await stopLab(await this.engines.forLab(lab), lab);
      audit(this.db, user.login, "lab.stop", lab, { nodes });
    });
    return this.status(user, lab);
  }

  /** Renews the lab's time to live from now, as extension.ts allows. */
  async extend(user: User, lab: string): Promise<TimedLabStatus> {
    await this.status(user, lab);
    const now = this.now();
    const staff = user.role !== "student";
    const extension = extendedExpiry(now, labClock(this.db, lab), this.lifetime, staff);
    if (!extension.ok) throw new ConflictError("extension_refused", extension.reason);
    extendLabClock(this.db, lab, now, extension.expiresAt);
    audit(this.db, user.login, "lab.extend", lab, {
      expiresAt: new Date(extension.expiresAt).toISOString(),
    });
    return this.status(user, lab);
  }

  async destroy(user: User, lab: string): Promise<void> {
    await this.status(user, lab);
    await downLab(await this.engines.forLab(lab), lab);
    this.forgetLab(lab);
    audit(this.db, user.login, "lab.destroy", lab);
  }

  /**
   * Removes the new labs whose creation a killed process left unfinished (timed from their start
   * meanwhile, so none is ever left untimed); their ids. One whose engine does not answer is left
   * to the next start, or to its expiry.
   */
  async removeInterrupted(log: (error: unknown, message: string) => void): Promise<string[]> {
    const removed: string[] = [];
    for (const { lab, owner } of unfinishedCreations(this.db)) {
      if (this.inflight.has(lab)) continue;
      try {
        await downLab(await this.engines.forLab(lab), lab);
      } catch (error) {
        log(error, `lab ${lab}: its interrupted creation could not be undone`);
        continue;
      }
      this.forgetLab(lab);
      endCreation(this.db, lab);
      audit(this.db, SERVICE_ACTOR, "lab.destroy", lab, { reason: "creation interrupted", owner });
      removed.push(lab);
    }
    return removed;
  }

  /** The sweeper's destroy of a lab past its expiry. */
  async expire(lab: string): Promise<void> {
    const expiresAt = labClock(this.db, lab)?.expiresAt;
    await downLab(await this.engines.forLab(lab), lab);
    this.forgetLab(lab);
    audit(this.db, SERVICE_ACTOR, "lab.destroy", lab, {
      reason: "expired",
      expiresAt: expiresAt ? new Date(expiresAt).toISOString() : null,
    });
  }

  /** The sweeper's stop of a lab nobody has used for the idle time. */
  async stopIdle(lab: string): Promise<void> {
    const nodes = await stopLab(await this.engines.forLab(lab), lab);
    audit(this.db, SERVICE_ACTOR, "lab.stop", lab, { reason: "idle", nodes });
  }

  /**
   * Starts recording `seconds` of the lab's network `network`: the pcap streams out of the
   * returned stream, which ends with the capture (or errs with it). Destroying the stream, as
   * the service does when the client goes away, stops the capture.
   */
  async capture(user: User, lab: string, network: string, seconds: number): Promise<Readable> {
    await this.status(user, lab);
    const leave = this.gate.enter("capture", lab, user.login);
    try {
      const engine = await this.engines.forLab(lab);
      const bridge = await networkBridge(engine, lab, network);
      audit(this.db, user.login, "lab.capture", lab, { network, seconds });
      this.touchLab(lab);
      const pcap = new PassThrough();
      const abandoned = new AbortController();
      pcap.once("close", () => abandoned.abort());
      captureBridge(engine, bridge, seconds, pcap, abandoned.signal)
        .then(
          () => pcap.end(),
          (error: unknown) => pcap.destroy(error as Error),
        )
        .finally(leave);
      return pcap;
    } catch (error) {
      leave();
      throw error;
    }
  }

  /**
   * Runs the lab's checks, for whoever may see the lab; keeps the run as its last and in the
   * gradebook's history, as asked for by `user`.
   */
  async checks(user: User, lab: string): Promise<CheckResult[]> {
    const { owner, topology } = await this.status(user, lab);
    const leave = this.gate.enter("checks", lab, user.login);
    try {
      return await this.runAndRecord({ lab, owner, topology }, user.login);
    } finally {
      leave();
    }
  }

  /**
   * Runs a lab's checks for the service itself (a deadline), with no user's rights to check. A
   * lab stopped (for idleness, say) is started first: its files are what it holds of the work.
   */
  async checksByService(lab: LabSummary, actor: string): Promise<CheckResult[]> {
    if (lab.state === "stopped") {
      await this.whileWorking(lab.lab, async () => {
        const report = await resumeLab(await this.engines.forLab(lab.lab), lab.lab);
        audit(this.db, actor, "lab.resume", lab.lab, { reason: "checks", changes: report });
      });
    }
    return this.runAndRecord(lab, actor);
  }

  private async runAndRecord(
    lab: Pick<LabSummary, "lab" | "owner" | "topology">,
    triggeredBy: string,
  ): Promise<CheckResult[]> {
    const results = await runChecks(await this.engines.forLab(lab.lab), lab.lab);
    const ranAt = this.now();
    recordCheckRun(this.db, lab.lab, { ranAt, results });
    recordGradedRun(this.db, { ...lab, ranAt, triggeredBy }, results);
    return results;
  }

  /** The owner's lab of the topology, if any (a lab id may differ from `<topology>-<owner>`). */
  async labOf(owner: string, topology: string): Promise<LabSummary | undefined> {
    const summaries = await this.summaries();
    return summaries.find((l) => l.owner === owner && l.topology === topology) as
      | LabSummary
      | undefined;
  }

  /** The lab's check runs (newest first, bounded), for whoever may see the lab. */
  async checkHistory(user: User, lab: string, limit: number): Promise<HistoryEntry[]> {
    const { owner } = await this.status(user, lab);
    return labHistory(this.db, lab, owner, limit);
  }

  /** The last run of the lab's checks, for whoever may see the lab. */
  async lastChecks(user: User, lab: string): Promise<CheckRun | undefined> {
    await this.status(user, lab);
    return lastCheckRun(this.db, lab);
  }

  /** A staff member's `ttl` as an expiry (students may not ask); undefined: none asked for. */
  private requestedExpiry(user: User, ttl: string | undefined): number | undefined {
    if (ttl === undefined) return undefined;
    if (user.role === "student")
      throw new ForbiddenError("students cannot choose a lab's time to live");
    const ms = parseDuration(ttl);
    if (ms === null || ms === 0 || ms > this.lifetime.maxTtl) {
      const max = `${Math.floor(this.lifetime.maxTtl / 1000)}s`;
      throw new InvalidInputError(`ttl must be a duration from 1s to ${max}`, [
        { path: "body.ttl", message: `a duration such as 30m or 8h, at most ${max}` },
      ]);
    }
    return this.now() + ms;
  }

  /**
   * Brings the lab up on its engine, or, when it has none that answers (a new lab, or one whose
   * engine is gone), on the engine the pool places it on.
   */
  /** Marks a new lab as being created, and times it from now, before anything of it exists. */
  private beginNew(lab: string, owner: string, expiresAt: number | undefined): void {
    const now = this.now();
    beginCreation(this.db, { lab, owner, startedAt: now });
    clockLab(
      this.db,
      lab,
      now,
      expiresAt,
      this.lifetime.ttl === null ? null : now + this.lifetime.ttl,
    );
  }

  private async bringUp(lab: string, owner: string, topology: Topology) {
    const where = await this.engines.locate(lab);
    const member = where?.available ? where.member : await this.place(lab, owner, topology);
    try {
      // Asking for a lab again brings its topology in line but keeps nodes whose image was
      // rebuilt (with the student's files); a whole-lab reset renews them.
      const clock = this.upTimings ? recordingClock() : null;
      const result = await upLab(member.engine, topology, {
        lab,
        owner,
        outdated: "keep",
        ...(clock ? { clock } : {}),
      });
      if (clock) this.upTimings?.(lab, clock.spans(), clock.elapsedMs());
      this.engines.recordPlacement(lab, member.spec.name, owner, topology.name);
      return result;
    } catch (error) {
      this.engines.abandon(lab);
      throw error;
    }
  }

  private async place(lab: string, owner: string, topology: Topology): Promise<EngineMember> {
    try {
      return await this.engines.place(lab, owner, labNeeds(topology));
    } catch (error) {
      if (error instanceof PoolRequestError) throw poolRefusal(error);
      throw error;
    }
  }

  /** Forgets what the service kept of a lab it removed; its place on the engine is free. */
  private forgetLab(lab: string): void {
    this.engines.forget(lab);
    forgetLabClock(this.db, lab);
    forgetCheckRuns(this.db, lab);
    forgetNodeStops(this.db, lab);
    this.queue.freed();
  }

  private times(lab: string, state: ServiceLabState): LabTimes {
    return labTimes(this.now(), labClock(this.db, lab), state === "stopped", this.lifetime);
  }

  /** Runs `task` on `lab` as activity, with the sweeper kept off the lab meanwhile. */
  private async whileWorking(lab: string, task: () => Promise<void>): Promise<void> {
    this.working.set(lab, (this.working.get(lab) ?? 0) + 1);
    this.touchLab(lab);
    try {
      await task();
    } finally {
      const left = (this.working.get(lab) ?? 1) - 1;
      if (left === 0) this.working.delete(lab);
      else this.working.set(lab, left);
      this.touchLab(lab);
    }
  }

  /** Every lab id taken: on an engine (or placed on one that does not answer), or being brought up here. */
  private holders(labs: EngineLab[]): Map<string, Holder> {
    const holders = new Map<string, Holder>();
    for (const l of labs) holders.set(engineLabId(l), l.available ? l.plan : l.record);
    for (const [lab, pending] of this.inflight) holders.set(lab, pending);
    return holders;
  }

  private resolveOwner(user: User, owner: string): string {
    if (user.role === "student") {
      if (owner !== user.login)
        throw new ForbiddenError("students create labs for themselves only");
      return owner;
    }
    if (owner === user.login) return owner;
    // A student of another class is "not found" for a TA, as their labs are.
    const student = userByLogin(this.db, owner);
    if (!student || !canSeeOwner(this.db, user, owner)) throw notFound(`user ${owner}`);
    return student.login;
  }
}

function stopReason(stop: NodeStop): NodeStopReason {
  return {
    cause: stop.cause,
    bytes: stop.bytes,
    limitBytes: stop.limitBytes,
    at: new Date(stop.at).toISOString(),
    message: diskLimitReason(stop.bytes, stop.limitBytes),
  };
}

/** What the store knows of a lab on an engine that does not answer. */
function labOf(record: PlacementRecord) {
  return { lab: record.lab, owner: record.owner, topology: record.topology };
}
