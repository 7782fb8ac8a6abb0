// The phase clock: a phase's span runs from its first step's start to its last step's end; its
// steps and their added durations are counted, failures included; the table lines them up.
import { describe, expect, it } from "vitest";
import { formatPhases, NO_CLOCK, recordingClock } from "../../src/runtime/phase-clock.ts";

/** A clock whose time moves only when told. */
function manualTime(start = 1000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("recordingClock", () => {
  it("spans overlapping steps of one phase from the first start to the last end", async () => {
    const time = manualTime();
    const clock = recordingClock(time.now);
    let finishA: () => void = () => {};
    let finishB: () => void = () => {};
    time.advance(100);
    const a = clock.time("create", () => new Promise<void>((resolve) => (finishA = resolve)));
    time.advance(50);
    const b = clock.time("create", () => new Promise<void>((resolve) => (finishB = resolve)));
    time.advance(200);
    finishA();
    await a;
    time.advance(100);
    finishB();
    await b;
    expect(clock.spans()).toEqual([
      { phase: "create", steps: 2, startMs: 100, endMs: 450, busyMs: 250 + 300 },
    ]);
    expect(clock.elapsedMs()).toBe(450);
  });

  it("keeps phases in the order they first started and records a failed step too", async () => {
    const time = manualTime(0);
    const clock = recordingClock(time.now, 0);
    await clock.time("planning", async () => {
      time.advance(10);
    });
    await expect(
      clock.time("networks", async () => {
        time.advance(30);
        throw new Error("no subnet");
      }),
    ).rejects.toThrow("no subnet");
    expect(clock.spans().map((s) => [s.phase, s.startMs, s.endMs, s.steps])).toEqual([
      ["planning", 0, 10, 1],
      ["networks", 10, 40, 1],
    ]);
  });

  it("counts from the origin given: 0 on performance.now() is the process's start", async () => {
    const time = manualTime(5000);
    const clock = recordingClock(time.now, 0);
    await clock.time("topology", async () => {
      time.advance(250);
    });
    expect(clock.spans()[0]).toMatchObject({ startMs: 5000, endMs: 5250 });
  });

  it("returns what the step returns; spans() is a copy", async () => {
    const clock = recordingClock();
    expect(await clock.time("status", async () => 42)).toBe(42);
    const spans = clock.spans();
    (spans[0] as { steps: number }).steps = 99;
    expect(clock.spans()[0]?.steps).toBe(1);
  });
});

describe("NO_CLOCK", () => {
  it("runs the step and passes its result and its failure through", async () => {
    expect(await NO_CLOCK.time("start", async () => "ok")).toBe("ok");
    await expect(NO_CLOCK.time("start", () => Promise.reject(new Error("x")))).rejects.toThrow("x");
  });
});

describe("formatPhases", () => {
  it("lines up each phase's from, to, wall time, steps and busy time, then the total", () => {
    const table = formatPhases(
      [
        { phase: "planning", steps: 1, startMs: 400, endMs: 420, busyMs: 20 },
        { phase: "create", steps: 12, startMs: 900, endMs: 2400, busyMs: 9000 },
      ],
      5250,
    );
    expect(table.split("\n")).toEqual([
      "phase     from    to  wall s  steps  busy s",
      "planning  0.40  0.42    0.02      1    0.02",
      "create    0.90  2.40    1.50     12    9.00",
      "total     0.00  5.25    5.25",
    ]);
  });
});
