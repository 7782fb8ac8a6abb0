// The agent's secret: the bearer check, and a secret file read the same way by both ends.
import { describe, expect, it } from "vitest";
import { carriesSecret, MIN_SECRET_LENGTH, secretFromFile } from "../../src/agent/auth.ts";

const SECRET = `${"a".repeat(31)}Z`;

describe("carriesSecret", () => {
  it("accepts exactly Bearer and the secret", () => {
    expect(carriesSecret(`Bearer ${SECRET}`, SECRET)).toBe(true);
  });

  it.each([
    ["no header", undefined],
    ["an empty header", ""],
    ["the secret alone", SECRET],
    ["another scheme", `Basic ${SECRET}`],
    ["a lower-case scheme", `bearer ${SECRET}`],
    ["two spaces", `Bearer  ${SECRET}`],
    ["a secret one character short", `Bearer ${SECRET.slice(0, -1)}`],
    ["a secret one character long", `Bearer ${SECRET}x`],
    ["a secret differing in its last character", `Bearer ${SECRET.slice(0, -1)}Y`],
    ["a secret with a newline after it", `Bearer ${SECRET}\n`],
    ["Bearer and nothing", "Bearer "],
  ])("refuses %s", (_, header) => {
    expect(carriesSecret(header, SECRET)).toBe(false);
  });
});

describe("secretFromFile", () => {
  it("drops the newline echo leaves, and surrounding blanks", () => {
    expect(secretFromFile(Buffer.from(`${SECRET}\n`))).toBe(SECRET);
    expect(secretFromFile(Buffer.from(`  ${SECRET}\r\n`))).toBe(SECRET);
  });

  it(`refuses a secret under ${MIN_SECRET_LENGTH} characters, naming its length`, () => {
    expect(() => secretFromFile(Buffer.from(SECRET.slice(1)))).toThrow(
      /the secret has 31 characters, 32 at least/,
    );
    expect(() => secretFromFile(Buffer.from("\n"))).toThrow(/the secret has 0 characters/);
  });

  it("refuses what cannot go in a header: spaces inside, controls, non-ASCII", () => {
    for (const bad of [`${SECRET} more`, `${SECRET}\u0000`, `${SECRET}é`, `${SECRET}\tx`]) {
      expect(() => secretFromFile(Buffer.from(bad))).toThrow(/printable ASCII only/);
    }
  });
});
