// The metrics endpoint without an engine: served only when configured, only to the metrics token,
// with request latencies by route pattern, the engine's health and Node's own process metrics.
// tests/integration/api/metrics.test.ts scrapes it after labs, checks, a bulk job and a terminal.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bearer } from "../../../tests/support/api.ts";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const TOKEN = "m".repeat(40);
let app: App | undefined;

/** An app whose engine is down, with metrics when a token is given. */
async function appWith(token?: string): Promise<{ app: App; instructor: string }> {
  const engine = new MemoryEngine();
  engine.takeDown();
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-library-"));
  app = await buildApp({
    engine,
    dataDir: ":memory:",
    libraryDir,
    ...(token ? { metrics: { token } } : {}),
  });
  return { app, instructor: ensureInstructor(app.db) as string };
}

const scrape = (target: App, token?: string) =>
  target.inject({ method: "GET", url: "/metrics", headers: token ? bearer(token) : {} });

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("/metrics", () => {
  it("is not there unless the service has a metrics token", async () => {
    const { app } = await appWith();
    const response = await scrape(app, TOKEN);
    expect(response.body).not.toContain("socketlab_");
    expect(response.headers["content-type"]).not.toContain("version=0.0.4");
  });

  it("answers only the metrics token: neither none, another, nor a user's token", async () => {
    const { app, instructor } = await appWith(TOKEN);
    for (const token of [undefined, `${TOKEN}x`, TOKEN.slice(1), instructor]) {
      const response = await scrape(app, token);
      expect(response.statusCode, String(token)).toBe(401);
      expect(response.json()).toMatchObject({ error: "unauthorized" });
    }
  });

  it("times requests by method, route pattern and status, never by their URL", async () => {
    const { app, instructor } = await appWith(TOKEN);
    await app.inject({ method: "GET", url: "/api/me", headers: bearer(instructor) });
    await app.inject({
      method: "GET",
      url: "/api/classes/no-such-class",
      headers: bearer(instructor),
    });
    await app.inject({ method: "GET", url: "/api/no/such/route" });
    const text = (await scrape(app, TOKEN)).body;
    expect(text).toMatch(
      /^socketlab_http_request_duration_seconds_count\{method="GET",route="\/api\/me",status_code="200"\} 1$/m,
    );
    expect(text).toMatch(
      /^socketlab_http_request_duration_seconds_count\{method="GET",route="\/api\/classes\/:id",status_code="404"\} 1$/m,
    );
    expect(text).toMatch(
      /^socketlab_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\} 1$/m,
    );
    expect(text).not.toContain("no-such-class");
  });

  it("says the engine is down, with Node's process metrics and the store's counts", async () => {
    const { app } = await appWith(TOKEN);
    const response = await scrape(app, TOKEN);
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/plain");
    const text = response.body;
    expect(text).toMatch(/^socketlab_engine_up\{engine="[^"]+"\} 0$/m);
    expect(text).toMatch(/^socketlab_terminal_sessions 0$/m);
    expect(text).toMatch(/^socketlab_check_results\{result="failed"\} 0$/m);
    expect(text).toMatch(/^socketlab_bulk_jobs\{state="running"\} 0$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});
