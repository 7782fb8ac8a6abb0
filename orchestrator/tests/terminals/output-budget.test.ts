// The output budget's token bucket, on a clock the test moves: a burst passes, then a flood waits
// in proportion to what it read beyond the budget; a quiet spell earns the burst back, never more.
import { describe, expect, it } from "vitest";
import { OutputBudget } from "../../src/terminals/output-budget.ts";

const KIB = 1024;

function budget(bytesPerSecond: number, burstBytes: number) {
  let now = 1000;
  const made = new OutputBudget({ bytesPerSecond, burstBytes }, () => now);
  return {
    spend: (bytes: number) => made.spend(bytes),
    wait: (ms: number) => {
      now += ms;
    },
  };
}

describe("a terminal's output budget", () => {
  it("lets a burst through at once", () => {
    const b = budget(100 * KIB, 64 * KIB);
    for (let i = 0; i < 16; i++) expect(b.spend(4 * KIB)).toBe(0);
  });

  it("holds what goes past the burst for as long as the rate takes to pay for it", () => {
    const b = budget(100 * KIB, 64 * KIB);
    expect(b.spend(64 * KIB)).toBe(0);
    // 10 KiB over at 100 KiB/s: 100 ms.
    expect(b.spend(10 * KIB)).toBe(100);
    // Nothing earned meanwhile: another 10 KiB owes 200 ms in all.
    expect(b.spend(10 * KIB)).toBe(200);
    b.wait(200);
    // Paid off: the next chunk owes only itself.
    expect(b.spend(5 * KIB)).toBe(50);
  });

  it("sustains the rate, no more, under a flood that reads whenever it may", () => {
    const b = budget(100 * KIB, 16 * KIB);
    let read = 0;
    let elapsed = 0;
    while (elapsed < 10_000) {
      read += 4 * KIB;
      const hold = b.spend(4 * KIB);
      b.wait(hold);
      elapsed += hold;
    }
    // 10 s at 100 KiB/s, plus the first burst and one chunk.
    expect(read).toBeGreaterThanOrEqual(1000 * KIB);
    expect(read).toBeLessThanOrEqual(1000 * KIB + 16 * KIB + 4 * KIB);
  });

  it("earns back at most the burst in a quiet spell", () => {
    const b = budget(100 * KIB, 64 * KIB);
    expect(b.spend(64 * KIB)).toBe(0);
    b.wait(60_000);
    expect(b.spend(64 * KIB)).toBe(0);
    expect(b.spend(1 * KIB)).toBe(10);
  });

  it("refuses a rate or burst that is not above zero", () => {
    for (const [rate, burst] of [
      [0, 1],
      [1, 0],
      [-1, 1],
      [Number.NaN, 1],
    ] as const) {
      expect(() => new OutputBudget({ bytesPerSecond: rate, burstBytes: burst })).toThrow(
        "an output rate needs bytesPerSecond > 0 and burstBytes > 0",
      );
    }
  });
});
