// Placement: most free capacity, a student's labs together, drained and unreachable engines
// skipped, full engines refused with a reason.
import { describe, expect, it } from "vitest";
import { chooseEngine, type EngineLoad, labNeeds } from "../../src/engines/placement.ts";
import { GUARD_IMAGE } from "../../src/runtime/host-guard.ts";

const GiB = 1024 ** 3;

function load(name: string, over: Partial<EngineLoad> = {}): EngineLoad {
  return {
    name,
    drained: false,
    available: true,
    labs: 0,
    memoryBytes: 0,
    owners: [],
    capacity: { labs: 10, memoryBytes: 10 * GiB },
    ...over,
  };
}

const lab = { owner: "alice", memoryBytes: GiB };

describe("placement", () => {
  it("picks the engine with the most free capacity, the scarcer of slots and memory", () => {
    expect(chooseEngine([load("a", { labs: 3 }), load("b", { labs: 1 })], lab)).toEqual({
      ok: true,
      engine: "b",
    });
    // b has more free slots but less free memory: memory is the scarcer resource there.
    const loads = [
      load("a", { labs: 5, memoryBytes: 2 * GiB }),
      load("b", { labs: 1, memoryBytes: 8 * GiB }),
    ];
    expect(chooseEngine(loads, lab)).toEqual({ ok: true, engine: "a" });
  });

  it("keeps a student's labs together while their engine has room", () => {
    const loads = [load("a", { labs: 6, owners: ["alice"] }), load("b")];
    expect(chooseEngine(loads, lab)).toEqual({ ok: true, engine: "a" });
    const full = [load("a", { labs: 10, owners: ["alice"] }), load("b")];
    expect(chooseEngine(full, lab)).toEqual({ ok: true, engine: "b" });
  });

  it("skips drained and unreachable engines", () => {
    const loads = [
      load("a", { drained: true }),
      load("b", { available: false }),
      load("c", { labs: 9 }),
    ];
    expect(chooseEngine(loads, lab)).toEqual({ ok: true, engine: "c" });
  });

  it("refuses with a reason when nothing fits", () => {
    const none = chooseEngine([load("a", { drained: true })], lab);
    expect(none).toEqual({ ok: false, reason: expect.stringContaining("drained or unreachable") });
    const full = chooseEngine([load("a", { memoryBytes: 9.5 * GiB })], lab);
    expect(full).toEqual({ ok: false, reason: expect.stringContaining("1024 MiB") });
  });

  it("treats an engine with no capacity set as unlimited, and breaks ties by load then name", () => {
    const open = { labs: null, memoryBytes: null };
    const loads = [load("b", { capacity: open, labs: 2 }), load("a", { capacity: open, labs: 2 })];
    expect(chooseEngine(loads, lab)).toEqual({ ok: true, engine: "a" });
    loads[0] = load("b", { capacity: open, labs: 1 });
    expect(chooseEngine(loads, lab)).toEqual({ ok: true, engine: "b" });
  });
});

describe("a lab's needs", () => {
  it("are its nodes' memory limits added up, and its images (each once) with the guard's", () => {
    const node = (image: string, memoryBytes: number) => ({ image, limits: { memoryBytes } });
    expect(labNeeds({ nodes: [node("a:1", GiB), node("b:1", GiB / 2), node("a:1", GiB)] })).toEqual(
      {
        memoryBytes: 2.5 * GiB,
        images: ["a:1", "b:1", GUARD_IMAGE],
      },
    );
    expect(labNeeds({ nodes: [] })).toEqual({ memoryBytes: 0, images: [GUARD_IMAGE] });
  });
});
