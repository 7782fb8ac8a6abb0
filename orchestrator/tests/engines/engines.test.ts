// The Engines interface, over both implementations: one engine, and a pool of in-memory engines.
// Callers never ask which they have: each answers readiness, reports, lab look-ups, placements
// and the pool's management in its own way, and these tests pin both ways down.
import { describe, expect, it } from "vitest";
import { EngineDownError, type Engines, PoolRequestError } from "../../src/engines/engines.ts";
import { labNeeds } from "../../src/engines/placement.ts";
import { EnginePool } from "../../src/engines/pool.ts";
import { SingleEngine } from "../../src/engines/single.ts";
import { type EngineSpec, toEngineSpec } from "../../src/engines/spec.ts";
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan } from "../../src/plan/types.ts";
import { GUARD_IMAGE } from "../../src/runtime/host-guard.ts";
import { listLabRecords, writeLabRecord } from "../../src/runtime/lab-record.ts";
import { openDb } from "../../src/store/db.ts";
import { network, node, request, topology } from "../plan/helpers.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const CLIENT = "socketlab/client:latest";

function labPlan(lab: string, owner = "alice"): LabPlan {
  const result = planLab(
    topology([network("lan", "10.0.0.0/24")], [node("pc", { lan: 10 })]),
    request({ lab, owner }),
  );
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const spec = (name: string, labs: number | null = null): EngineSpec =>
  toEngineSpec({ name, host: `unix:///run/${name}.sock`, ...(labs ? { capacity: { labs } } : {}) });

/** A pool of in-memory engines named `names`, on a store of its own. */
function memoryPool(names: string[], labsPerEngine: number | null = null) {
  const engines = Object.fromEntries(
    names.map((name) => [name, new MemoryEngine([CLIENT, GUARD_IMAGE])]),
  );
  const db = openDb(":memory:");
  const pool = EnginePool.fromSpecs(
    names.map((name) => spec(name)),
    db,
    labsPerEngine,
    () => {},
    (s) => engines[s.name] as MemoryEngine,
  );
  return { pool, engines, db };
}

const silent = () => {};

describe("one engine", () => {
  it("is ready when the engine answers, and names no engines", async () => {
    const engine = new MemoryEngine();
    const single: Engines = new SingleEngine(engine);
    expect(await single.readiness(silent)).toEqual({ engine: true });
    engine.takeDown("gone");
    const heard: string[] = [];
    expect(await single.readiness((_, message) => heard.push(message))).toEqual({ engine: false });
    expect(heard).toEqual(["engine not reachable"]);
  });

  it("reports itself as the engine `local` with its labs, load and cap", async () => {
    const engine = new MemoryEngine();
    await writeLabRecord(engine, labPlan("lab-1"));
    const single: Engines = new SingleEngine(engine, 4);
    expect(await single.reports()).toEqual([
      {
        name: "local",
        host: process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock",
        drained: false,
        available: true,
        error: null,
        labs: 1,
        memoryBytes: labNeeds(labPlan("lab-1")).memoryBytes,
        owners: ["alice"],
        capacity: { labs: 4, memoryBytes: null },
      },
    ]);
    expect(single.labsCapped()).toBe(true);
    expect(await single.openEngines()).toEqual([{ labs: ["lab-1"], cap: 4 }]);
    expect(new SingleEngine(engine).labsCapped()).toBe(false);
  });

  it("holds every lab, found or not, and places every new lab on itself", async () => {
    const engine = new MemoryEngine();
    const single: Engines = new SingleEngine(engine);
    expect(await single.forLab("anything")).toBe(engine);
    expect(await single.locate("anything")).toMatchObject({ available: true });
    const member = await single.place("new", "alice", { memoryBytes: 1, images: [CLIENT] });
    expect(member.engine).toBe(engine);
    // Nothing was copied or pinged to place it.
    expect(engine.calls).toEqual([]);
  });

  it("lists its labs, and fails when the engine fails", async () => {
    const engine = new MemoryEngine();
    await writeLabRecord(engine, labPlan("lab-1"));
    const single: Engines = new SingleEngine(engine);
    expect((await single.labs()).map((l) => l.available && l.plan.lab)).toEqual(["lab-1"]);
    expect(await single.eachEngine(listLabRecords)).toMatchObject([
      { engine: "local", error: null, stored: [] },
    ]);
    engine.takeDown("gone");
    await expect(single.eachEngine(listLabRecords)).rejects.toThrow("gone");
  });

  it("refuses to manage a pool, and keeps nothing to rebuild", async () => {
    const single: Engines = new SingleEngine(new MemoryEngine());
    for (const refused of [
      () => single.add({ name: "x", host: "bad" }),
      () => single.drain("local", true),
    ]) {
      expect(refused).toThrow(PoolRequestError);
    }
    await expect(single.remove("local")).rejects.toMatchObject({ kind: "no_pool" });
    expect(await single.rebuild()).toBeNull();
  });
});

describe("a pool of engines", () => {
  it("is ready while an engine that is not drained answers, listing every engine", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    engines.e2?.takeDown("gone");
    const heard: string[] = [];
    expect(await pool.readiness((_, message) => heard.push(message))).toEqual({
      engine: true,
      engines: [
        { name: "e1", available: true, drained: false, error: null },
        { name: "e2", available: false, drained: false, error: "gone" },
      ],
    });
    expect(heard).toEqual(["engine e2 not reachable"]);
    pool.drain("e1", true);
    expect((await pool.readiness(silent)).engine).toBe(false);
  });

  it("places a new lab on the engine with room, reserving its place until it is recorded", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"], 1);
    await writeLabRecord(engines.e1 as MemoryEngine, labPlan("lab-1"));
    await pool.rebuild();
    const member = await pool.place("lab-2", "bob", labNeeds(labPlan("lab-2", "bob")));
    expect(member.spec.name).toBe("e2");
    // The reservation counts: no engine has room for a third lab.
    await expect(
      pool.place("lab-3", "carol", { memoryBytes: 0, images: [] }),
    ).rejects.toMatchObject({ kind: "no_room" });
    pool.abandon("lab-2");
    expect((await pool.place("lab-3", "carol", { memoryBytes: 0, images: [] })).spec.name).toBe(
      "e2",
    );
  });

  it("copies the images a lab needs to its engine, and refuses one no engine has", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    const e1 = engines.e1 as MemoryEngine;
    const e2 = engines.e2 as MemoryEngine;
    e2.state.images.clear();
    await writeLabRecord(e1, labPlan("lab-1"));
    await pool.rebuild();
    const member = await pool.place("lab-2", "bob", { memoryBytes: 0, images: [CLIENT] });
    expect(member.spec.name).toBe("e2");
    expect(e2.state.images.get(CLIENT)).toEqual(e1.state.images.get(CLIENT));
    await expect(
      pool.place("lab-3", "bob", { memoryBytes: 0, images: ["nowhere:latest"] }),
    ).rejects.toMatchObject({ kind: "image_missing" });
  });

  it("finds a lab on the engine its record is on, and records where", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    await writeLabRecord(engines.e2 as MemoryEngine, labPlan("lab-1"));
    expect(await pool.forLab("lab-1")).toBe(engines.e2);
    expect(pool.placementsOn("e2")).toEqual([
      { lab: "lab-1", engine: "e2", owner: "alice", topology: "demo" },
    ]);
    // A lab found nowhere goes to the first engine, which answers that it has no such lab.
    expect(await pool.forLab("nowhere")).toBe(engines.e1);
  });

  it("says which engine does not answer when a lab's engine is down", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    pool.recordPlacement("lab-1", "e2", "alice", "demo");
    engines.e2?.takeDown("gone");
    await expect(pool.forLab("lab-1")).rejects.toThrow(EngineDownError);
    expect(await pool.locate("lab-1")).toMatchObject({
      available: false,
      record: { lab: "lab-1", engine: "e2" },
    });
    const labs = await pool.labs();
    expect(labs).toEqual([
      {
        engine: "e2",
        available: false,
        record: { lab: "lab-1", engine: "e2", owner: "alice", topology: "demo" },
      },
    ]);
  });

  it("adds, drains and removes engines, refusing to remove one that holds labs", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    expect(() => pool.add({ name: "e1", host: "unix:///run/e1.sock" })).toThrow(
      /already has an engine named e1/,
    );
    expect(() => pool.add({ name: "e3", host: "ftp://x" }, "body")).toThrow(/^body\.host: /);
    expect(pool.drain("e2", true).drained).toBe(true);
    await writeLabRecord(engines.e2 as MemoryEngine, labPlan("lab-1"));
    await expect(pool.remove("e2")).rejects.toThrow(/engine e2 still holds 1 lab\(s\) \(lab-1\)/);
    await pool.remove("e1");
    await expect(pool.remove("e2")).rejects.toThrow(/the pool's last engine/);
    expect(() => pool.member("e1")).toThrow(/no engine e1 in the pool/);
  });

  it("rebuilds its placements from what the engines hold", async () => {
    const { pool, engines } = memoryPool(["e1", "e2"]);
    pool.recordPlacement("gone-lab", "e1", "alice", "demo");
    await writeLabRecord(engines.e2 as MemoryEngine, labPlan("lab-1"));
    expect(await pool.rebuild()).toEqual({ found: 1, unavailable: 0 });
    expect(pool.placementsOn("e1")).toEqual([]);
    expect(pool.placementsOn("e2").map((r) => r.lab)).toEqual(["lab-1"]);
  });
});
