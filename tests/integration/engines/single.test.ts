// With no pool configured the service runs on the one engine as it always did: a lab comes up,
// is reset and goes, on the default engine; the pool's routes show that engine and refuse to
// manage a pool that does not exist. No placement is recorded.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import { downLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import { apiRequest, type Method } from "../../support/api.ts";
import { testEngine } from "../engine.ts";
import { onePcTopology } from "./topology.ts";

const run = randomBytes(2).toString("hex");
const TOPOLOGY = `it-eng1-${run}`;
let engine: Engine;
let app: App;
let instructor = "";
let lab = "";

const call = (method: Method, url: string, payload?: object) =>
  apiRequest(app, method, url, instructor, payload);

beforeAll(async () => {
  engine = await testEngine();
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-it-engine-single-"));
  await mkdir(join(libraryDir, TOPOLOGY));
  await writeFile(join(libraryDir, TOPOLOGY, "topology.yaml"), onePcTopology(TOPOLOGY));
  app = await buildApp({ engine, dataDir: ":memory:", libraryDir, sweepEveryMs: 0 });
  instructor = ensureInstructor(app.db) as string;
}, 300_000);

afterAll(async () => {
  if (lab) await downLab(engine, lab);
  await app?.close();
});

describe("the service on one engine (no pool)", () => {
  it("brings a lab up, resets it and takes it down on the default engine", async () => {
    const created = await call("POST", "/api/labs", { topology: TOPOLOGY });
    expect(created.statusCode, created.body).toBe(201);
    lab = created.json().lab;
    expect(created.json().state).toBe("running");
    expect(await readLabRecord(engine, lab)).not.toBeNull();
    const listed = (await call("GET", "/api/labs")).json() as { lab: string }[];
    expect(listed.map((l) => l.lab)).toContain(lab);
    const reset = await call("POST", `/api/labs/${lab}/reset`, { nodes: ["pc"] });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().state).toBe("running");
    const gone = await call("DELETE", `/api/labs/${lab}`);
    expect(gone.statusCode).toBe(204);
    expect(await readLabRecord(engine, lab)).toBeNull();
    lab = "";
  });

  it("lists the one engine and refuses to manage a pool", async () => {
    const engines = await call("GET", "/api/engines");
    expect(engines.statusCode).toBe(200);
    expect(engines.json()).toMatchObject([{ name: "local", available: true, drained: false }]);
    const add = await call("POST", "/api/engines", { name: "x", host: "unix:///run/x.sock" });
    expect(add.statusCode).toBe(409);
    expect(add.json().error).toBe("no_pool");
    // No pool: nothing of the pool's is kept in the database.
    const tables = app.db
      .prepare("SELECT name FROM sqlite_master WHERE name = 'engine_placements'")
      .all();
    expect(tables).toEqual([]);
  });
});
