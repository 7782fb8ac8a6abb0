// The socketlab service: a Fastify app built from its parts, so that tests build the same app
// with a temporary data folder and library and talk to it through `app.inject`.
import websocket from "@fastify/websocket";
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { SWEEP_EVERY_MS } from "../classroom/sweeper.ts";
import { DEFAULT_NODE_DISK_BYTES, type Lifetime, type Quotas } from "../config.ts";
import type { Connect } from "../engines/members.ts";
import type { EngineSource } from "../engines/source.ts";
import type { EngineSpec } from "../engines/spec.ts";
import { TOPOLOGIES_DIR } from "../paths.ts";
import type { Engine } from "../runtime/engine.ts";
import { MAX_FRAME_BYTES } from "../terminals/limits.ts";
import { MAX_DOCUMENT_BYTES } from "../topology/document.ts";
import { installErrorHandler } from "./errors.ts";
import auth from "./plugins/auth.ts";
import dashboard from "./plugins/dashboard.ts";
import db from "./plugins/db.ts";
import docs from "./plugins/docs.ts";
import type { MetricsOptions } from "./plugins/metrics.ts";
import securityHeaders from "./plugins/security-headers.ts";
import services from "./plugins/services.ts";
import auditRoutes from "./routes/audit.ts";
import captureRoutes from "./routes/captures.ts";
import checkRoutes from "./routes/checks.ts";
import classRoutes from "./routes/classes.ts";
import engineRoutes from "./routes/engines.ts";
import gradeRoutes from "./routes/grades.ts";
import handoutRoutes from "./routes/handout.ts";
import healthRoutes from "./routes/health.ts";
import importRoutes from "./routes/imports.ts";
import jobRoutes from "./routes/jobs.ts";
import labLifeRoutes from "./routes/lab-life.ts";
import labRoutes from "./routes/labs.ts";
import meRoutes from "./routes/me.ts";
import recordingRoutes from "./routes/recordings.ts";
import settingsRoutes from "./routes/settings.ts";
import terminalRoutes, { type TerminalRoutesOptions } from "./routes/terminal.ts";
import tokenRoutes from "./routes/tokens.ts";
import topologyRoutes from "./routes/topologies.ts";

export interface AppOptions {
  engine: Engine;
  /** A pool of engines to spread labs over (docs/operator.md: Engines); none: `engine` alone. */
  engines?: EngineSpec[];
  /** Opens a pool engine's connection (default: through dockerode); tests give in-memory ones. */
  connect?: Connect;
  /** Where the pool learns of engines as they come (a swarm: docs/operator.md); none: `engines`. */
  engineSource?: EngineSource;
  /** Folder of the SQLite database, or ":memory:". */
  dataDir: string;
  /** The topology library (default: the repository's topologies/). */
  libraryDir?: string;
  /** Labs per student, class and engine (default: config.ts). */
  quotas?: Partial<Quotas>;
  /** Labs' time to live and idle stop (default: config.ts). */
  lifetime?: Partial<Lifetime>;
  /** The clock, epoch ms (default: Date.now); tests move it instead of waiting. */
  now?: () => number;
  /** How often expired and idle labs are looked for, ms; 0: only when `app.sweeper.sweep()` is called. */
  sweepEveryMs?: number;
  /** Terminals' grace period, replay, flow control and recordings (default: terminals/registry.ts). */
  terminals?: Omit<TerminalRoutesOptions, "dataDir">;
  /** What each lab node may write to its disk (default: config.ts); null: no limit. */
  nodeDiskBytes?: number | null;
  logger?: FastifyServerOptions["logger"];
  /** Which peers' X-Forwarded-For to believe (default: none; config.ts: SOCKETLAB_TRUST_PROXY). */
  trustProxy?: boolean | string[];
  /** Serves Prometheus metrics at /metrics to this token's bearer; none: no /metrics. */
  metrics?: MetricsOptions;
}

export type App = FastifyInstance;

/**
 * The largest request body: a topology is at most 1 MiB (the loader refuses more), and a roster
 * of a few hundred students is far less. Larger bodies are refused with 413 before parsing.
 */
export const BODY_LIMIT_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024;

export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(securityHeaders);
  await app.register(docs);
  await app.register(db, { dataDir: options.dataDir });
  await app.register(auth, { now: options.now ?? Date.now });
  await app.register(services, {
    engine: options.engine,
    engines: options.engines,
    connect: options.connect,
    source: options.engineSource,
    libraryDir: options.libraryDir ?? TOPOLOGIES_DIR,
    quotas: options.quotas ?? {},
    lifetime: options.lifetime ?? {},
    now: options.now,
    sweepEveryMs: options.sweepEveryMs ?? SWEEP_EVERY_MS,
    nodeDiskBytes:
      options.nodeDiskBytes === undefined ? DEFAULT_NODE_DISK_BYTES : options.nodeDiskBytes,
  });
  // Before the routes, so that its latency hook times every one of them. Imported only when
  // asked for: prom-client loads OpenTelemetry's API (~50 modules) that nothing else needs.
  if (options.metrics) {
    const { default: metrics } = await import("./plugins/metrics.ts");
    await app.register(metrics, options.metrics);
  }
  // Terminals are WebSockets; the plugin must be registered before their route.
  // ws takes frames of up to 100 MiB by default, before any sign-in: a few clients would hold
  // the service's memory.
  await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  await app.register(healthRoutes);
  await app.register(labRoutes);
  await app.register(labLifeRoutes);
  await app.register(captureRoutes);
  await app.register(checkRoutes);
  await app.register(handoutRoutes);
  await app.register(classRoutes);
  await app.register(engineRoutes);
  await app.register(jobRoutes);
  await app.register(gradeRoutes);
  await app.register(topologyRoutes);
  await app.register(importRoutes);
  await app.register(auditRoutes);
  await app.register(terminalRoutes, { ...options.terminals, dataDir: options.dataDir });
  await app.register(recordingRoutes);
  await app.register(meRoutes);
  await app.register(tokenRoutes);
  await app.register(settingsRoutes);
  await app.register(dashboard);
  return app;
}
