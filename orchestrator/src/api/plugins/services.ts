// The engines and the services routes call: library, labs, bulk jobs.
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { JobRunner } from "../../classroom/bulk.ts";
import { DiskWatch } from "../../classroom/disk-watch.ts";
import { Gradebook } from "../../classroom/gradebook.ts";
import { HostGuardWatch } from "../../classroom/host-guard-watch.ts";
import { LabService, SERVICE_ACTOR } from "../../classroom/labs.ts";
import { Library } from "../../classroom/library.ts";
import { Sweeper } from "../../classroom/sweeper.ts";
import { DEFAULT_LIFETIME, DEFAULT_QUOTAS, type Lifetime, type Quotas } from "../../config.ts";
import type { Engines } from "../../engines/engines.ts";
import type { Connect } from "../../engines/members.ts";
import { EnginePool } from "../../engines/pool.ts";
import { SingleEngine } from "../../engines/single.ts";
import type { EngineSource } from "../../engines/source.ts";
import type { EngineSpec } from "../../engines/spec.ts";
import type { Engine } from "../../runtime/engine.ts";
import type { PhaseSpan } from "../../runtime/phase-clock.ts";
import { audit } from "../../store/audit.ts";
import { recordNodeStop } from "../../store/node-stops.ts";
import { userByLogin } from "../../store/users.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** The first engine of the pool (the only one when no pool is configured). */
    engine: Engine;
    /** Every engine; `engines.forLab(id)` is the engine to send an operation on a lab to. */
    engines: Engines;
    library: Library;
    labs: LabService;
    jobs: JobRunner;
    gradebook: Gradebook;
    sweeper: Sweeper;
    diskWatch: DiskWatch;
  }
}

export interface ServicesOptions {
  engine: Engine;
  /** A pool of engines (docs/operator.md: Engines); none: `engine` alone. */
  engines: EngineSpec[] | undefined;
  connect: Connect | undefined;
  /** Where the pool learns of engines as they come; none: `engines` alone. */
  source: EngineSource | undefined;
  libraryDir: string;
  quotas: Partial<Quotas>;
  lifetime: Partial<Lifetime>;
  now: (() => number) | undefined;
  /** How often the sweeper runs, ms; 0: never on its own (tests call `sweep()`). */
  sweepEveryMs: number;
  /** What each lab node may write to its disk; null: no limit. */
  nodeDiskBytes: number | null;
}

export default fp(async (app: FastifyInstance, options: ServicesOptions) => {
  const library = new Library(options.libraryDir);
  const quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
  const engines: Engines = options.engines
    ? EnginePool.fromSpecs(
        options.engines,
        app.db,
        quotas.perEngine,
        (message) => app.log.warn(message),
        options.connect,
        options.source,
      )
    : new SingleEngine(options.engine, quotas.perEngine);
  const labs = new LabService(engines, app.db, library, {
    quotas,
    lifetime: { ...DEFAULT_LIFETIME, ...options.lifetime },
    ...(options.now ? { now: options.now } : {}),
    // Recorded for every lab (a few clock readings), logged only at LOG_LEVEL=debug.
    upTimings: (lab: string, phases: PhaseSpan[], totalMs: number) =>
      app.log.debug({ lab, phases, totalMs }, "lab up: time by phase"),
  });
  const sweeper = new Sweeper(app.db, labs, app.log);
  const hostGuard = new HostGuardWatch(engines, app.log);
  sweeper.addChore(hostGuard);
  const diskWatch = new DiskWatch(
    engines,
    options.nodeDiskBytes,
    (layer, limitBytes) => {
      audit(app.db, SERVICE_ACTOR, "node.disk-limit", layer.lab, {
        node: layer.node,
        bytes: layer.bytes,
        limit: limitBytes,
      });
      recordNodeStop(app.db, {
        lab: layer.lab,
        node: layer.node,
        cause: "disk-limit",
        bytes: layer.bytes,
        limitBytes,
        at: labs.now(),
      });
    },
    app.log,
  );
  sweeper.addChore(diskWatch);
  const gradebook = new Gradebook(app.db, labs, library, app.log);
  sweeper.addChore({ name: "deadlines", run: (now) => gradebook.runDueDeadlines(now) });
  const jobs = new JobRunner(
    app.db,
    async (job, student) => {
      // A job acts with its creator's rights, also when resumed after a restart.
      const creator = userByLogin(app.db, job.createdBy);
      if (!creator) throw new Error(`the job's creator ${job.createdBy} no longer exists`);
      if (job.kind === "checks") return gradebook.checkStudent(creator, job.topology, student);
      return (await labs.create(creator, job.topology, student)).status.lab;
    },
    app.log,
  );
  app.decorate("engine", engines.primary);
  app.decorate("engines", engines);
  app.decorate("library", library);
  app.decorate("labs", labs);
  app.decorate("jobs", jobs);
  app.decorate("gradebook", gradebook);
  app.decorate("sweeper", sweeper);
  app.decorate("diskWatch", diskWatch);
  // Jobs a previous process left unfinished are resumed once the app is ready.
  app.addHook("onReady", async () => {
    // The engines are the truth of where labs live: the store's placements are brought in line.
    const rebuilt = await engines.rebuild();
    if (rebuilt) app.log.info(rebuilt, "engine pool: placements rebuilt");
    // Before jobs resume: a resumed student's lab is then made whole again, not half.
    const interrupted = await labs.removeInterrupted((error, message) =>
      app.log.warn({ err: error }, message),
    );
    if (interrupted.length > 0) {
      app.log.warn({ labs: interrupted }, "removed labs whose creation was interrupted");
    }
    // Lab nodes an engine restarted before this start wait for their host rules.
    await hostGuard.run();
    const resumed = jobs.resumeUnfinished();
    if (resumed.length > 0) app.log.info({ jobs: resumed }, "resuming unfinished bulk jobs");
    if (options.sweepEveryMs > 0) sweeper.start(options.sweepEveryMs);
  });
  // Shutting down lets the labs being brought up finish (before the database closes, onClose);
  // labs waiting for a place on the engine are refused, and students still queued stay queued
  // for the next start. Labs are left running.
  app.addHook("preClose", async () => {
    // Draining first marks the runner as stopping, so that the students refused by `close` are
    // left to resume rather than failed.
    await sweeper.stop();
    const drained = jobs.drain();
    labs.close();
    await drained;
  });
});
