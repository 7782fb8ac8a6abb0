import { describe, expect, it } from "vitest";
import { startWaves } from "../../src/plan/order.ts";
import { node } from "./helpers.ts";

const nodeAfter = (name: string, ...deps: string[]) => node(name, { lan: 10 }, { after: deps });

describe("startWaves", () => {
  it("puts independent nodes in one wave, in topology order", () => {
    expect(startWaves([nodeAfter("c"), nodeAfter("a"), nodeAfter("b")])).toEqual([["c", "a", "b"]]);
  });

  it("has no waves for no nodes", () => {
    expect(startWaves([])).toEqual([]);
  });

  it("gives a chain one wave per node, whatever the topology order", () => {
    expect(startWaves([nodeAfter("c", "b"), nodeAfter("a"), nodeAfter("b", "a")])).toEqual([
      ["a"],
      ["b"],
      ["c"],
    ]);
  });

  it("starts a diamond's sides together", () => {
    const nodes = [
      nodeAfter("top"),
      nodeAfter("left", "top"),
      nodeAfter("right", "top"),
      nodeAfter("bottom", "left", "right"),
    ];
    expect(startWaves(nodes)).toEqual([["top"], ["left", "right"], ["bottom"]]);
  });

  it("places a node one past its latest dependency, not its earliest", () => {
    const nodes = [
      nodeAfter("d", "a", "c"),
      nodeAfter("a"),
      nodeAfter("b", "a"),
      nodeAfter("c", "b"),
      nodeAfter("x"),
    ];
    expect(startWaves(nodes)).toEqual([["a", "x"], ["b"], ["c"], ["d"]]);
  });

  it("throws on a cycle, naming the nodes left", () => {
    const nodes = [nodeAfter("a"), nodeAfter("b", "c"), nodeAfter("c", "b")];
    expect(() => startWaves(nodes)).toThrow("start dependencies form a cycle among: b, c");
  });

  it("throws on a node waiting for itself", () => {
    expect(() => startWaves([nodeAfter("a", "a")])).toThrow("cycle among: a");
  });

  it("throws on an unknown dependency", () => {
    expect(() => startWaves([nodeAfter("a", "ghost")])).toThrow(
      "node 'a' waits for unknown node 'ghost'",
    );
  });
});
