// Each engine's cap on labs: SOCKETLAB_LABS_PER_ENGINE and a pool engine's `labs` capacity cap
// that engine, and a new lab waits until some engine that may take it has a free place.
import { describe, expect, it } from "vitest";
import { EngineQueue, freePlaces, type PlaceSource } from "../../src/classroom/engine-queue.ts";
import type { EngineSlots } from "../../src/engines/placement.ts";
import { EnginePool } from "../../src/engines/pool.ts";
import type { EngineSpec } from "../../src/engines/spec.ts";

const settle = () => new Promise((resolve) => setImmediate(resolve));

function spec(name: string, labs: number | null): EngineSpec {
  return {
    name,
    host: `unix:///run/nowhere/${name}.sock`,
    capacity: { labs, memoryBytes: null },
    drained: false,
  };
}

describe("free places", () => {
  it("add up every engine's free places", () => {
    const engines = [
      { labs: ["a", "b"], cap: 3 },
      { labs: ["c"], cap: 3 },
    ];
    expect(freePlaces(engines, [])).toBe(3);
    // An engine over its cap (labs made behind the service's back) takes away no other's place.
    expect(freePlaces([{ labs: ["a", "b", "c"], cap: 2 }, ...engines], [])).toBe(3);
  });

  it("count an admitted lab once: on its engine when listed there, else as a place taken", () => {
    const engines = [
      { labs: ["a", "b"], cap: 3 },
      { labs: ["c"], cap: 3 },
    ];
    expect(freePlaces(engines, ["b"])).toBe(3);
    expect(freePlaces(engines, ["b", "new", "other"])).toBe(1);
  });

  it("are unlimited when one engine has no cap", () => {
    expect(
      freePlaces(
        [
          { labs: ["a"], cap: 1 },
          { labs: [], cap: null },
        ],
        ["x"],
      ),
    ).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("the queue over several engines", () => {
  /** `capped`: whether the pool has caps (its open engines may be none of the capped ones). */
  function pool(engines: EngineSlots[], capped = engines.some((e) => e.cap !== null)) {
    const source: PlaceSource = {
      labsCapped: () => capped,
      openEngines: async () => engines.map((e) => ({ ...e, labs: [...e.labs] })),
    };
    const queue = new EngineQueue(source);
    const admitted: string[] = [];
    const refused: string[] = [];
    const enter = (lab: string) =>
      queue.enter(lab).then(
        () => void admitted.push(lab),
        (error: { code: string }) => void refused.push(`${lab}: ${error.code}`),
      );
    return { queue, admitted, refused, enter };
  }

  it("admits while any engine has a place, then waits for one to free", async () => {
    const e1 = { labs: ["x1", "x2"], cap: 2 };
    const e2 = { labs: ["y1"], cap: 2 };
    const { queue, admitted, enter } = pool([e1, e2]);
    for (const lab of ["a", "b", "c"]) void enter(lab);
    await settle();
    // e1 is full, e2 has one place: one lab in, two waiting (a whole-pool cap of 2 admits none).
    expect({ admitted, queued: queue.queued }).toEqual({ admitted: ["a"], queued: 2 });

    // a is brought up on e2; a lab of e1 is destroyed: b takes e1's place.
    e2.labs.push("a");
    queue.leave("a");
    e1.labs.pop();
    queue.freed();
    await settle();
    expect({ admitted, queued: queue.queued }).toEqual({ admitted: ["a", "b"], queued: 1 });
  });

  it("refuses at once when no engine takes new labs, and waits for none without caps", async () => {
    // Every engine drained or silent.
    const closed = pool([], true);
    await closed.enter("a");
    expect(closed.refused).toEqual(["a: no_engine"]);

    const open = pool([{ labs: ["x"], cap: null }]);
    await Promise.all(["a", "b"].map(open.enter));
    expect(open.admitted).toEqual(["a", "b"]);
  });
});

describe("a pool's caps", () => {
  it("cap each engine by its capacity and by the service's cap, the smaller", () => {
    const pool = EnginePool.fromSpecs(
      [spec("e1", 5), spec("e2", null), spec("e3", 1)],
      undefined,
      3,
    );
    expect(pool.list().map((m) => pool.capacityOf(m).labs)).toEqual([3, 3, 1]);
    expect(pool.labsCapped()).toBe(true);
  });

  it("leave an engine uncapped when neither caps it", () => {
    const pool = EnginePool.fromSpecs([spec("e1", null)]);
    expect(pool.list().map((m) => pool.capacityOf(m).labs)).toEqual([null]);
    expect(pool.labsCapped()).toBe(false);
    expect(EnginePool.fromSpecs([spec("e1", null), spec("e2", 4)]).labsCapped()).toBe(true);
  });
});
