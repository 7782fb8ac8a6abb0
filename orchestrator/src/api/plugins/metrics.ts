// Prometheus metrics at /metrics (prom-client), registered only when the service has a metrics
// token. What the service already keeps is read when a scraper asks (labs from the engines, open
// terminals, check results and jobs from the store); only what leaves no trace is counted as it
// happens: request latencies and bulk jobs' durations.
//
// Only a request bearing the metrics token is answered: a scraper holds a secret that reads
// metrics and nothing else, rather than a user's token that could destroy labs; and behind a
// reverse proxy every request comes from the proxy's address, so no address could be trusted to
// be the scraper's.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { listLabs } from "../../labs/status.ts";
import { unfinishedRecordings } from "../../store/recordings.ts";
import { checkResultTallies, jobTallies } from "../../store/tallies.ts";
import { ApiError } from "../errors.ts";

export interface MetricsOptions {
  /** The bearer token a scraper sends (config.ts: SOCKETLAB_METRICS_TOKEN). */
  token: string;
}

/** Where the metrics are served: Prometheus' default path, beside the API rather than under it. */
export const METRICS_PATH = "/metrics";

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Whether the Authorization header carries `token` (compared in constant time). */
function bearsToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1] as string), digest(token));
}

export default fp(async (app: FastifyInstance, options: MetricsOptions) => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Histogram({
    name: "socketlab_http_request_duration_seconds",
    help: "Time to answer an API request, by method, route pattern and status",
    labelNames: ["method", "route", "status_code"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  // The route's pattern, never its URL: lab ids and tokens must not become label values.
  app.addHook("onResponse", async (request, reply) => {
    requests.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? "unmatched",
        status_code: reply.statusCode,
      },
      reply.elapsedTime / 1000,
    );
  });

  const jobDurations = new Histogram({
    name: "socketlab_bulk_job_duration_seconds",
    help: "Time a bulk job's run took to bring up its class's labs, by whether any failed",
    labelNames: ["outcome"],
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers,
  });
  const stopHearing = app.jobs.onFinished((run) =>
    jobDurations.observe({ outcome: run.failed > 0 ? "some_failed" : "all_ready" }, run.seconds),
  );
  app.addHook("onClose", async () => stopHearing());

  new Gauge({
    name: "socketlab_bulk_jobs",
    help: "Bulk jobs kept by the service, by state",
    labelNames: ["state"],
    registers,
    collect() {
      for (const [state, count] of Object.entries(jobTallies(app.db))) this.set({ state }, count);
    },
  });

  new Gauge({
    name: "socketlab_labs",
    help: "Labs by engine and state (unavailable: their engine does not answer)",
    labelNames: ["engine", "state"],
    registers,
    async collect() {
      this.reset();
      // A single engine that does not answer fails the listing: socketlab_engine_up says so.
      const listings = await app.engines.eachEngine(listLabs).catch((error: unknown) => {
        app.log.warn({ err: error }, "metrics: the labs could not be listed");
        return [];
      });
      for (const { engine, listed, stored } of listings) {
        if (!listed) {
          this.set({ engine, state: "unavailable" }, stored.length);
          continue;
        }
        const byState = new Map<string, number>();
        for (const lab of listed) byState.set(lab.state, (byState.get(lab.state) ?? 0) + 1);
        for (const [state, count] of byState) this.set({ engine, state }, count);
      }
    },
  });

  new Gauge({
    name: "socketlab_engine_up",
    help: "Whether each engine answers (1) or not (0)",
    labelNames: ["engine"],
    registers,
    async collect() {
      this.reset();
      const { engine, engines } = await app.engines.readiness(() => {});
      // A pool says how each engine is; a single engine, whether it answers.
      const states =
        engines ?? app.engines.list().map((m) => ({ name: m.spec.name, available: engine }));
      for (const state of states) this.set({ engine: state.name }, state.available ? 1 : 0);
    },
  });

  new Gauge({
    name: "socketlab_terminal_sessions",
    help: "Terminal sessions open now (each has a recording under way)",
    registers,
    collect() {
      this.set(unfinishedRecordings(app.db).length);
    },
  });

  new Gauge({
    name: "socketlab_check_results",
    help: "The results of every lab's last check run, by result",
    labelNames: ["result"],
    registers,
    collect() {
      const { passed, failed } = checkResultTallies(app.db);
      this.set({ result: "passed" }, passed);
      this.set({ result: "failed" }, failed);
    },
  });

  new Gauge({
    name: "socketlab_labs_checked",
    help: "Labs whose checks have run at least once since they were brought up",
    registers,
    collect() {
      this.set(checkResultTallies(app.db).labs);
    },
  });

  app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
    if (!bearsToken(request.headers.authorization, options.token)) {
      throw new ApiError(401, "unauthorized", "the metrics need the metrics token");
    }
    return reply.type(registry.contentType).send(await registry.metrics());
  });
});
