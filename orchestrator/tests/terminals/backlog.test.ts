import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Backlog, MIN_COST } from "../../src/terminals/backlog.ts";

const limits = { highBytes: 8 * MIN_COST, lowBytes: 2 * MIN_COST, maxBytes: 16 * MIN_COST };

function tracked() {
  const events: string[] = [];
  const backlog = new Backlog(limits, {
    hold: () => events.push("hold"),
    release: () => events.push("release"),
  });
  return { backlog, events };
}

describe("Backlog", () => {
  it("holds the socket at the high watermark and reads it again at the low one", () => {
    const { backlog, events } = tracked();
    const costs = Array.from({ length: 8 }, () => backlog.add(MIN_COST) as number);
    expect(events).toEqual(["hold"]);
    expect(backlog.held).toBe(true);
    for (const cost of costs.slice(0, 5)) backlog.done(cost);
    expect(events).toEqual(["hold"]); // 3 KiB still queued: above the low watermark
    backlog.done(costs[5] as number);
    expect(events).toEqual(["hold", "release"]);
    expect(backlog.held).toBe(false);
  });

  it("counts a tiny message as MIN_COST, so a flood of control messages is bounded too", () => {
    const { backlog } = tracked();
    expect(backlog.add(10)).toBe(MIN_COST);
    expect(backlog.add(5 * MIN_COST)).toBe(5 * MIN_COST);
    expect(backlog.bytes).toBe(6 * MIN_COST);
  });

  it("refuses a message beyond the hard limit, without counting it", () => {
    const { backlog } = tracked();
    expect(backlog.add(16 * MIN_COST)).toBe(16 * MIN_COST);
    expect(backlog.add(1)).toBeNull();
    expect(backlog.bytes).toBe(16 * MIN_COST);
  });

  it("refuses limits that cannot work", () => {
    const hooks = { hold() {}, release() {} };
    expect(() => new Backlog({ highBytes: 4, lowBytes: 4, maxBytes: 8 }, hooks)).toThrow();
    expect(() => new Backlog({ highBytes: 8, lowBytes: 4, maxBytes: 6 }, hooks)).toThrow();
  });

  it("never queues past its limit, and alternates hold and release (any arrivals)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 6 * MIN_COST }), fc.constant(-1))),
        (steps) => {
          const { backlog, events } = tracked();
          const queue: number[] = [];
          for (const step of steps) {
            if (step < 0) {
              const cost = queue.shift();
              if (cost !== undefined) backlog.done(cost);
            } else {
              const cost = backlog.add(step);
              if (cost !== null) queue.push(cost);
            }
            expect(backlog.bytes).toBeLessThanOrEqual(limits.maxBytes);
            expect(backlog.bytes).toBe(queue.reduce((a, b) => a + b, 0));
          }
          events.forEach((event, i) => {
            expect(event).toBe(i % 2 === 0 ? "hold" : "release");
          });
        },
      ),
    );
  });
});
