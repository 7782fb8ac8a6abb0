// One Docker engine (DOCKER_HOST or the local socket), the other implementation of `Engines`:
// every lab lives on it, nothing is recorded, pinged or copied, and there is no pool to manage.
import type { Engine } from "../runtime/engine.ts";
import { listLabRecords } from "../runtime/lab-record.ts";
import {
  capacityOf,
  type EngineLab,
  type EngineMember,
  type EngineReport,
  type Engines,
  type LabLocation,
  PoolRequestError,
} from "./engines.ts";
import { type EngineSlots, labNeeds } from "./placement.ts";
import { describeHost } from "./spec.ts";
import type { EngineListing } from "./stale.ts";

const NAME = "local";

export class SingleEngine implements Engines {
  readonly primary: Engine;
  private readonly member: EngineMember;
  private readonly labsPerEngine: number | null;

  /** The engine, capped at `labsPerEngine` labs (null: no cap). */
  constructor(engine: Engine, labsPerEngine: number | null = null) {
    this.primary = engine;
    this.labsPerEngine = labsPerEngine;
    this.member = {
      spec: { name: NAME, host: NAME, capacity: { labs: null, memoryBytes: null }, drained: false },
      engine,
      drained: false,
    };
  }

  list(): EngineMember[] {
    return [this.member];
  }

  labsCapped(): boolean {
    return this.labsPerEngine !== null;
  }

  async openEngines(): Promise<EngineSlots[]> {
    const labs = (await listLabRecords(this.primary)).map((plan) => plan.lab);
    return [{ labs, cap: this.labsPerEngine }];
  }

  async readiness(log: (error: unknown, message: string) => void) {
    const engine = await this.primary.ping().then(
      () => true,
      (error: unknown) => {
        log(error, "engine not reachable");
        return false;
      },
    );
    return { engine };
  }

  /** The engine's labs; an engine that fails fails the listing. */
  async eachEngine<T extends { lab: string }>(
    list: (engine: Engine) => Promise<T[]>,
  ): Promise<EngineListing<T>[]> {
    return [{ engine: NAME, listed: await list(this.primary), error: null, stored: [] }];
  }

  async labs(): Promise<EngineLab[]> {
    return (await listLabRecords(this.primary)).map((plan) => ({
      engine: NAME,
      available: true,
      plan,
    }));
  }

  async reports(): Promise<EngineReport[]> {
    const plans = await listLabRecords(this.primary);
    return [
      {
        name: NAME,
        host: describeHost(this.member.spec),
        drained: false,
        available: true,
        error: null,
        labs: plans.length,
        memoryBytes: plans.reduce((sum, plan) => sum + labNeeds(plan).memoryBytes, 0),
        owners: plans.map((plan) => plan.owner),
        capacity: capacityOf(this.member, this.labsPerEngine),
      },
    ];
  }

  async locate(): Promise<LabLocation> {
    return { member: this.member, available: true };
  }

  async forLab(): Promise<Engine> {
    return this.primary;
  }

  async place(): Promise<EngineMember> {
    return this.member;
  }

  recordPlacement(): void {}

  abandon(): void {}

  forget(): void {}

  add(): EngineMember {
    throw noPool();
  }

  drain(): EngineMember {
    throw noPool();
  }

  async remove(): Promise<void> {
    throw noPool();
  }

  async rebuild(): Promise<null> {
    return null;
  }
}

function noPool(): PoolRequestError {
  return new PoolRequestError(
    "no_pool",
    "the service runs on one engine; start it with an engines file to manage a pool (docs/operator.md: Engines)",
  );
}
