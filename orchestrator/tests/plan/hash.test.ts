import { describe, expect, it } from "vitest";
import { canonicalJson, stableHash } from "../../src/plan/hash.ts";

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1]},"b":1}',
    );
  });

  it("drops undefined members like JSON does, and nulls undefined array elements", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, "x"] })).toBe('{"b":[null,"x"]}');
  });

  it("escapes strings like JSON", () => {
    expect(canonicalJson({ 'k"': 'v\n"' })).toBe('{"k\\"":"v\\n\\""}');
  });
});

describe("stableHash", () => {
  it("is the first 16 hex characters of sha256 of the canonical JSON", () => {
    // printf '{"a":1,"b":[2,3]}' | sha256sum
    expect(stableHash({ b: [2, 3], a: 1 })).toBe("efbd0040190fb087");
  });

  it("ignores key order", () => {
    expect(stableHash({ x: { p: 1, q: 2 }, y: "z" })).toBe(
      stableHash({ y: "z", x: { q: 2, p: 1 } }),
    );
  });

  it("changes with any value, and with array order", () => {
    const base = stableHash({ a: [1, 2], b: "x" });
    expect(stableHash({ a: [2, 1], b: "x" })).not.toBe(base);
    expect(stableHash({ a: [1, 2], b: "y" })).not.toBe(base);
    expect(stableHash({ a: [1, 2], b: "x", c: 0 })).not.toBe(base);
  });
});
