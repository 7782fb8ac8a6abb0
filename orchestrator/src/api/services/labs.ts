// Labs as the API offers them: the lifecycle of orchestrator/src/labs, with ownership checked
// and lab ids chosen for the user.
import { PassThrough, type Readable } from "node:stream";
import { networkBridge } from "../../labs/capture.ts";
import { downLab, resetNodes, upLab } from "../../labs/lifecycle.ts";
import { type LabStatus, type LabSummary, labStatus, listLabs } from "../../labs/status.ts";
import type { LabPlan } from "../../plan/types.ts";
import { captureBridge } from "../../runtime/capture.ts";
import type { Engine } from "../../runtime/engine.ts";
import { listLabRecords } from "../../runtime/lab-record.ts";
import { audit } from "../../store/audit.ts";
import type { Db } from "../../store/db.ts";
import { type User, userByLogin } from "../../store/users.ts";
import { ApiError, forbidden, notFound } from "../errors.ts";
import { canSeeOwner, ownerFilter } from "./access.ts";
import { EngineQueue } from "./engine-queue.ts";
import type { Library } from "./library.ts";
import { checkQuotas, DEFAULT_QUOTAS, type Quotas } from "./quotas.ts";
import { slug } from "./roster.ts";

const LAB_ID_MAX = 40;

export interface CreatedLab {
  status: LabStatus;
  created: boolean;
}

interface Holder {
  owner: string;
  topology: string;
  /** The bring-up under way in this process, if any. */
  done?: Promise<unknown>;
}

export class LabService {
  private readonly engine: Engine;
  private readonly db: Db;
  private readonly library: Library;
  private readonly quotas: Quotas;
  private readonly queue: EngineQueue;
  /**
   * Labs being brought up (or waiting for a place on the engine) in this process: their ids are
   * taken, and they count toward quotas, even before their record exists.
   */
  private readonly inflight = new Map<string, Required<Holder>>();

  constructor(engine: Engine, db: Db, library: Library, quotas: Quotas = DEFAULT_QUOTAS) {
    this.engine = engine;
    this.db = db;
    this.library = library;
    this.quotas = quotas;
    this.queue = new EngineQueue(quotas.perEngine, async () =>
      (await listLabRecords(engine)).map((plan) => plan.lab),
    );
  }

  /** Refuses the labs still waiting for a place on the engine: the service is stopping. */
  close(): void {
    this.queue.close();
  }

  async list(user: User): Promise<LabSummary[]> {
    const visible = ownerFilter(this.db, user);
    return (await listLabs(this.engine)).filter((lab) => visible(lab.owner));
  }

  /** The lab's status, or 404 when it does not exist or `user` may not see it. */
  async status(user: User, lab: string): Promise<LabStatus> {
    const status = await labStatus(this.engine, lab);
    if (!status || !canSeeOwner(this.db, user, status.owner)) throw notFound(`lab ${lab}`);
    return status;
  }

  /**
   * Brings up `topology` for `ownerLogin` (default: `user` themself). A student's existing lab of
   * that topology is brought in line rather than duplicated.
   */
  async create(user: User, topology: string, ownerLogin?: string): Promise<CreatedLab> {
    const owner = this.resolveOwner(user, ownerLogin ?? user.login);
    const loaded = await this.library.load(topology);
    if (!loaded) throw notFound(`topology ${topology}`);
    if (!loaded.ok) {
      throw new ApiError(409, "topology_invalid", `library topology ${topology} does not load`);
    }
    const holders = this.holders(await listLabRecords(this.engine));
    // From here to `inflight.set` nothing is awaited, so two requests never pick the same id,
    // nor both take the last lab of a quota.
    const choice = this.chooseLabId(holders, owner, loaded.topology.name);
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
      .then(() => upLab(this.engine, loaded.topology, { lab, owner }))
      .finally(() => {
        if (!choice.reused) this.queue.leave(lab);
      });
    this.inflight.set(lab, { owner, topology: loaded.topology.name, done });
    try {
      const { report } = await done;
      audit(this.db, user.login, "lab.create", lab, { owner, topology, changes: report });
    } finally {
      if (this.inflight.get(lab)?.done === done) this.inflight.delete(lab);
    }
    const status = await labStatus(this.engine, lab);
    if (!status) throw new Error(`lab ${lab} has no record right after being brought up`);
    return { status, created: !choice.reused };
  }

  async reset(user: User, lab: string, nodes: string[]): Promise<LabStatus> {
    await this.status(user, lab);
    const report = await resetNodes(this.engine, lab, nodes);
    audit(this.db, user.login, "lab.reset", lab, { nodes, changes: report });
    return this.status(user, lab);
  }

  async destroy(user: User, lab: string): Promise<void> {
    await this.status(user, lab);
    await downLab(this.engine, lab);
    this.queue.freed();
    audit(this.db, user.login, "lab.destroy", lab);
  }

  /**
   * Starts recording `seconds` of the lab's network `network`: the pcap streams out of the
   * returned stream, which ends with the capture (or errs with it). Destroying the stream, as
   * the service does when the client goes away, stops the capture.
   */
  async capture(user: User, lab: string, network: string, seconds: number): Promise<Readable> {
    await this.status(user, lab);
    const bridge = await networkBridge(this.engine, lab, network);
    audit(this.db, user.login, "lab.capture", lab, { network, seconds });
    const pcap = new PassThrough();
    const abandoned = new AbortController();
    pcap.once("close", () => abandoned.abort());
    captureBridge(this.engine, bridge, seconds, pcap, abandoned.signal).then(
      () => pcap.end(),
      (error: unknown) => pcap.destroy(error as Error),
    );
    return pcap;
  }

  /** Every lab id taken: on the engine, or being brought up here. */
  private holders(records: LabPlan[]): Map<string, Holder> {
    const holders = new Map<string, Holder>();
    for (const plan of records) holders.set(plan.lab, plan);
    for (const [lab, pending] of this.inflight) holders.set(lab, pending);
    return holders;
  }

  private resolveOwner(user: User, owner: string): string {
    if (user.role === "student") {
      if (owner !== user.login) throw forbidden("students create labs for themselves only");
      return owner;
    }
    if (owner === user.login) return owner;
    // A student of another class is "not found" for a TA, as their labs are.
    const student = userByLogin(this.db, owner);
    if (!student || !canSeeOwner(this.db, user, owner)) throw notFound(`user ${owner}`);
    return student.login;
  }

  /**
   * `<topology>-<owner>`, shortened to fit, with `-2`, `-3`, ... when another owner or topology
   * holds that id. An existing lab of the same owner and topology is reused (and, if this
   * process is bringing it up, `pending` is that bring-up).
   */
  private chooseLabId(
    holders: Map<string, Holder>,
    owner: string,
    topology: string,
  ): { lab: string; reused: boolean; pending?: Promise<unknown> } {
    for (const [lab, holder] of holders) {
      if (holder.owner === owner && holder.topology === topology) {
        return holder.done ? { lab, reused: true, pending: holder.done } : { lab, reused: true };
      }
    }
    const base = `${topology}-${slug(owner) || "user"}`;
    for (let n = 1; ; n++) {
      const suffix = n === 1 ? "" : `-${n}`;
      const lab = `${base.slice(0, LAB_ID_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
      if (!holders.has(lab)) return { lab, reused: false };
    }
  }
}
