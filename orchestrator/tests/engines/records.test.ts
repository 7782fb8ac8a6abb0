// What the service keeps of its pool across restarts: engines added through the API, drain marks
// (also of the engines file's engines) and placements, read back by a pool built on the same
// database. No engine is contacted.
import { describe, expect, it } from "vitest";
import { EnginePool } from "../../src/engines/pool.ts";
import { toEngineSpec } from "../../src/engines/spec.ts";
import { openDb } from "../../src/store/db.ts";

const fileEngines = [toEngineSpec({ name: "main", host: "unix:///run/none-main.sock" })];

describe("the pool's records", () => {
  it("keeps added engines and drain marks for the next start", () => {
    const db = openDb(":memory:");
    const first = EnginePool.fromSpecs(fileEngines, db);
    first.add({
      name: "side",
      host: "tcp://10.0.0.9:2375",
      insecure: true,
      capacity: { labs: 5, memory: "1g" },
    });
    first.drain("main", true);
    const next = EnginePool.fromSpecs(fileEngines, db);
    expect(next.list().map((m) => [m.spec.name, m.drained])).toEqual([
      ["main", true],
      ["side", false],
    ]);
    expect(next.member("side").spec).toEqual(
      toEngineSpec({
        name: "side",
        host: "tcp://10.0.0.9:2375",
        insecure: true,
        capacity: { labs: 5, memory: "1g" },
      }),
    );
    expect(() => next.add({ name: "main", host: "unix:///run/other.sock" })).toThrow(
      /already has an engine named main/,
    );
    expect(() => next.drain("nowhere", true)).toThrow(/no engine nowhere/);
  });

  it("keeps placements, and forgets them", async () => {
    const db = openDb(":memory:");
    const pool = EnginePool.fromSpecs(fileEngines, db);
    pool.recordPlacement("lab-1", "main", "alice", "demo");
    const next = EnginePool.fromSpecs(fileEngines, db);
    // The engine does not answer: the lab is known from the store alone.
    const where = await next.locate("lab-1");
    expect(where).toMatchObject({
      available: false,
      record: { lab: "lab-1", engine: "main", owner: "alice", topology: "demo" },
    });
    await expect(next.forLab("lab-1")).rejects.toThrow(/engine main, which does not answer/);
    next.forget("lab-1");
    expect(await EnginePool.fromSpecs(fileEngines, db).locate("lab-1")).toBeNull();
  });
});
