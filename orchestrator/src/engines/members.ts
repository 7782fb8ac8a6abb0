// The pool's membership: the engines file's engines (or a swarm's nodes, kept in step with it),
// those added through the API and the drain marks, the added engines and marks kept in the store
// (records.ts) across restarts.
import type { Engine } from "../runtime/engine.ts";
import type { Db } from "../store/db.ts";
import { type EngineMember, PoolRequestError } from "./engines.ts";
import { forgetEngine, storeAddedEngine, storeDrained, storedEngines } from "./records.ts";
import type { EngineSpec } from "./spec.ts";

/** Opens the connection to an engine of a spec (not contacted until used). */
export type Connect = (spec: EngineSpec) => Engine;

export class Members {
  private readonly members = new Map<string, EngineMember>();
  /** The drain marks set through the API (and kept in the store). */
  private readonly marks = new Map<string, boolean>();
  private readonly db: Db | null;
  private readonly connect: Connect;

  /** The file's `specs`, then the engines and drain marks stored in `db`. */
  constructor(specs: EngineSpec[], db: Db | null, connect: Connect) {
    this.db = db;
    this.connect = connect;
    const stored = db ? storedEngines(db) : [];
    for (const spec of specs) this.join(spec);
    for (const row of stored) if (row.spec && !this.members.has(row.name)) this.join(row.spec);
    for (const row of stored) {
      this.marks.set(row.name, row.drained);
      const member = this.members.get(row.name);
      if (member) member.drained = row.drained;
    }
  }

  /** The first engine. */
  get primary(): EngineMember {
    return this.members.values().next().value as EngineMember;
  }

  list(): EngineMember[] {
    return [...this.members.values()];
  }

  get size(): number {
    return this.members.size;
  }

  /** The member named `name`, if any. */
  find(name: string): EngineMember | undefined {
    return this.members.get(name);
  }

  member(name: string): EngineMember {
    const member = this.members.get(name);
    if (!member) throw new PoolRequestError("unknown_engine", `no engine ${name} in the pool`);
    return member;
  }

  add(spec: EngineSpec): EngineMember {
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

  drain(name: string, drained: boolean): EngineMember {
    const member = this.member(name);
    member.drained = drained;
    this.marks.set(name, drained);
    if (this.db) storeDrained(this.db, name, drained);
    return member;
  }

  /**
   * Takes in a source's engines: a new one joins, a known one takes the source's host, capacity
   * and drain (a drain through the API holds as well). An engine the source no longer lists
   * stays, so that its labs still show, unavailable when it does not answer.
   */
  sync(specs: EngineSpec[]): void {
    for (const spec of specs) {
      const member = this.members.get(spec.name);
      if (!member) {
        this.join(spec).drained = spec.drained || this.marks.get(spec.name) === true;
        continue;
      }
      if (member.spec.host !== spec.host) member.engine = this.connect(spec);
      member.spec = spec;
      member.drained = spec.drained || this.marks.get(spec.name) === true;
    }
  }

  delete(name: string): void {
    this.members.delete(name);
    if (this.db) forgetEngine(this.db, name);
  }

  private join(spec: EngineSpec): EngineMember {
    const member = { spec, engine: this.connect(spec), drained: spec.drained };
    this.members.set(spec.name, member);
    return member;
  }
}
