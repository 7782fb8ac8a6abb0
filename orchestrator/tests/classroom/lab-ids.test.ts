import { describe, expect, it } from "vitest";
import { chooseLabId, type Holder } from "../../src/classroom/lab-ids.ts";

const held = (entries: [string, Holder][]) => new Map(entries);

describe("a new lab's id", () => {
  it("is the topology and the owner's slug", () => {
    expect(chooseLabId(held([]), "Zoë.Smith", "sockets")).toEqual({
      lab: "sockets-zoe-smith",
      reused: false,
    });
    expect(chooseLabId(held([]), "---", "sockets").lab).toBe("sockets-user");
  });

  it("takes -2, -3, ... when another owner or topology holds it", () => {
    const holders = held([
      ["sockets-ann", { owner: "Ann", topology: "sockets" }],
      ["sockets-ann-2", { owner: "ann", topology: "other" }],
    ]);
    expect(chooseLabId(holders, "ann", "sockets")).toEqual({ lab: "sockets-ann-3", reused: false });
  });

  it("reuses the owner's lab of the topology, with its bring-up under way", () => {
    const done = Promise.resolve();
    const holders = held([
      ["x", { owner: "ann", topology: "sockets" }],
      ["y", { owner: "ann", topology: "dns", done }],
    ]);
    expect(chooseLabId(holders, "ann", "sockets")).toEqual({ lab: "x", reused: true });
    expect(chooseLabId(holders, "ann", "dns")).toEqual({ lab: "y", reused: true, pending: done });
  });

  it("fits in 40 characters, suffix included, never ending in '-'", () => {
    const topology = "a-very-long-topology-name-of-thirty-two";
    const first = chooseLabId(held([]), "student", topology).lab;
    expect(first.length).toBeLessThanOrEqual(40);
    expect(first.endsWith("-")).toBe(false);
    const second = chooseLabId(held([[first, { owner: "x", topology }]]), "student", topology).lab;
    expect(second.length).toBeLessThanOrEqual(40);
    expect(second).toMatch(/-2$/);
    expect(second).not.toMatch(/--2$/);
  });
});
