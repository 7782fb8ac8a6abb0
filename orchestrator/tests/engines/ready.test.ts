// Readiness with a pool: every engine's state, ready while one engine that is not drained answers.
// Both engines are in-memory ones; the second is taken down.

import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

let dir = "";
let app: App;
let instructor = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-ready-"));
  const engines = { up: new MemoryEngine(), down: new MemoryEngine() };
  engines.down.takeDown();
  app = await buildApp({
    engine: engines.up,
    connect: (spec) => engines[spec.name as keyof typeof engines],
    engines: [
      {
        name: "up",
        host: "unix:///run/up.sock",
        capacity: { labs: null, memoryBytes: null },
        drained: true,
      },
      {
        name: "down",
        host: "unix:///run/down.sock",
        capacity: { labs: null, memoryBytes: null },
        drained: false,
      },
    ],
    dataDir: ":memory:",
    libraryDir: dir,
    sweepEveryMs: 0,
  });
  await app.ready();
  instructor = ensureInstructor(app.db) as string;
});

afterAll(async () => {
  await app?.close();
});

/** Readiness as the instructor sees it: with its details. */
async function ready() {
  const response = await app.inject({
    method: "GET",
    url: "/api/ready",
    headers: { authorization: `Bearer ${instructor}` },
  });
  return { status: response.statusCode, body: response.json() };
}

describe("readiness with a pool", () => {
  it("tells an anonymous caller only whether the service is ready", async () => {
    const response = await app.inject({ method: "GET", url: "/api/ready" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ ready: false });
  });

  it("lists every engine and is not ready when only a drained engine answers", async () => {
    const { status, body } = await ready();
    expect(status).toBe(503);
    expect(body).toMatchObject({ ready: false, engine: false, db: true });
    expect(body.engines).toEqual([
      { name: "up", available: true, drained: true, error: null },
      { name: "down", available: false, drained: false, error: expect.any(String) },
    ]);
  });

  it("is ready once an engine that takes labs answers, though another does not", async () => {
    const opened = await app.inject({
      method: "POST",
      url: "/api/engines/up/drain",
      headers: { authorization: `Bearer ${instructor}` },
      payload: { drained: false },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    const { status, body } = await ready();
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, engine: true, db: true });
    expect(body.engines.map((e: { available: boolean }) => e.available)).toEqual([true, false]);
  });
});

describe("the API reference", () => {
  it("lists 503 among the lab routes' error answers", async () => {
    const spec = (await app.inject({ method: "GET", url: "/api/docs/json" })).json();
    for (const [path, method] of [
      ["/api/labs", "post"],
      ["/api/labs/{id}", "get"],
      ["/api/labs/{id}/reset", "post"],
      ["/api/labs/{id}/checks", "get"],
    ] as const) {
      expect(Object.keys(spec.paths[path][method].responses), `${method} ${path}`).toContain("503");
    }
  });
});
