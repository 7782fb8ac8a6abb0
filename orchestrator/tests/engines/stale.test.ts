// Which copies of a lab are stale: the pure decision over the engines' listings. A lab re-placed
// onto engine b while the store still places it on a (a, back, lists its old copy) keeps its new
// copy on b: the old one is left out of the listings and judged only once the bring-up is over.
import { describe, expect, it } from "vitest";
import type { EngineListing } from "../../src/engines/stale.ts";
import { withoutStale } from "../../src/engines/stale.ts";

const listing = (engine: string, labs: string[] | null): EngineListing<{ lab: string }> => ({
  engine,
  listed: labs?.map((lab) => ({ lab })) ?? null,
  error: labs ? null : "no answer",
  stored: [],
});

const labsOf = (listings: EngineListing<{ lab: string }>[]) =>
  Object.fromEntries(listings.map((l) => [l.engine, l.listed?.map((i) => i.lab) ?? null]));

describe("stale copies", () => {
  const both = [listing("a", ["x", "y"]), listing("b", ["x"])];
  const storeSaysA = (lab: string) => (lab === "x" || lab === "y" ? "a" : undefined);

  it("takes down the copy the store does not place the lab on, when both engines list it", () => {
    const { listings, stale } = withoutStale(both, storeSaysA, () => undefined);
    expect(labsOf(listings)).toEqual({ a: ["x", "y"], b: [] });
    expect(stale).toEqual([{ engine: "b", lab: "x", home: "a" }]);
  });

  it("never takes down a lab being brought up: its new copy is the current one", () => {
    const { listings, stale } = withoutStale(both, storeSaysA, (lab) =>
      lab === "x" ? "b" : undefined,
    );
    expect(labsOf(listings)).toEqual({ a: ["y"], b: ["x"] });
    expect(stale).toEqual([]);
  });

  it("keeps a copy whose current engine does not list it (silent, or not written there yet)", () => {
    const silent = [listing("a", null), listing("b", ["x"])];
    expect(withoutStale(silent, storeSaysA, () => undefined)).toEqual({
      listings: silent,
      stale: [],
    });
    const notYet = [listing("a", ["x"]), listing("b", [])];
    expect(withoutStale(notYet, storeSaysA, (lab) => (lab === "x" ? "b" : undefined))).toEqual({
      listings: notYet,
      stale: [],
    });
  });
});
