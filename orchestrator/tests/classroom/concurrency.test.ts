import { describe, expect, it } from "vitest";
import { HTTP_STATUS } from "../../src/api/errors.ts";
import { ConcurrencyGate } from "../../src/classroom/concurrency.ts";
import { BusyError } from "../../src/classroom/errors.ts";

const limits = { perLab: { checks: 1, capture: 2 }, perUser: { checks: 2, capture: 3 } };

describe("ConcurrencyGate", () => {
  it("refuses a second run of checks on one lab while the first is under way", () => {
    const gate = new ConcurrencyGate(limits);
    const leave = gate.enter("checks", "lab-a", "ann");
    expect(() => gate.enter("checks", "lab-a", "bob")).toThrow(
      "lab lab-a already has a run of checks under way, the most at once; try again when one has ended",
    );
    leave();
    gate.enter("checks", "lab-a", "bob");
  });

  it("refuses a user past their own bound over several labs, with 429 too_many_requests", () => {
    const gate = new ConcurrencyGate(limits);
    gate.enter("checks", "lab-a", "ann");
    gate.enter("checks", "lab-b", "ann");
    let refusal: unknown;
    try {
      gate.enter("checks", "lab-c", "ann");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(BusyError);
    const busy = refusal as BusyError;
    expect([HTTP_STATUS[busy.kind], busy.code]).toEqual([429, "too_many_requests"]);
    expect(busy.message).toBe(
      "you already have 2 runs of checks under way, the most at once; try again when one has ended",
    );
    // Another user, and another activity, are not held by ann's.
    gate.enter("checks", "lab-c", "bob");
    gate.enter("capture", "lab-a", "ann");
  });

  it("counts each activity apart and gives every place back once, however often left", () => {
    const gate = new ConcurrencyGate(limits);
    const captures = [gate.enter("capture", "lab-a", "ann"), gate.enter("capture", "lab-a", "bob")];
    expect(() => gate.enter("capture", "lab-a", "cy")).toThrow(/2 captures under way/);
    for (const leave of captures) {
      leave();
      leave();
    }
    expect(gate.taken).toBe(0);
    gate.enter("capture", "lab-a", "cy");
    expect(gate.taken).toBe(1);
  });

  it("takes no place when it refuses", () => {
    const gate = new ConcurrencyGate(limits);
    gate.enter("checks", "lab-a", "ann");
    expect(() => gate.enter("checks", "lab-a", "ann")).toThrow(BusyError);
    expect(gate.taken).toBe(1);
  });
});
