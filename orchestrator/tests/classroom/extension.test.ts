import { describe, expect, it } from "vitest";
import { extendedExpiry } from "../../src/classroom/extension.ts";
import type { Lifetime } from "../../src/config.ts";

const MIN = 60_000;
const lifetime: Lifetime = {
  ttl: 120 * MIN,
  maxTtl: 1440 * MIN,
  warning: 30 * MIN,
  idleStop: null,
};
const clock = (expiresAt: number | null) => ({ lab: "l", expiresAt, lastActivity: 0 });

describe("extendedExpiry", () => {
  it("gives a student a whole time to live from now once the lab is expiring", () => {
    expect(extendedExpiry(1000 * MIN, clock(1020 * MIN), lifetime, false)).toEqual({
      ok: true,
      expiresAt: 1120 * MIN,
    });
    expect(extendedExpiry(1000 * MIN, clock(1030 * MIN), lifetime, false)).toEqual({
      ok: true,
      expiresAt: 1120 * MIN,
    });
  });

  it("refuses a student earlier, saying when it will be possible", () => {
    expect(extendedExpiry(1000 * MIN, clock(1031 * MIN), lifetime, false)).toEqual({
      ok: false,
      reason: "a lab can be extended in the last 30 minutes before it expires",
    });
  });

  it("refuses a student a lab already past its expiry, which staff may still save", () => {
    expect(extendedExpiry(1000 * MIN, clock(1000 * MIN), lifetime, false)).toEqual({
      ok: false,
      reason: "this lab has expired",
    });
    expect(extendedExpiry(1000 * MIN, clock(999 * MIN), lifetime, true)).toEqual({
      ok: true,
      expiresAt: 1120 * MIN,
    });
  });

  it("lets staff extend at any time, and never brings an expiry forward", () => {
    expect(extendedExpiry(1000 * MIN, clock(1100 * MIN), lifetime, true)).toEqual({
      ok: true,
      expiresAt: 1120 * MIN,
    });
    expect(extendedExpiry(1000 * MIN, clock(1500 * MIN), lifetime, true)).toEqual({
      ok: true,
      expiresAt: 1500 * MIN,
    });
  });

  it("refuses where nothing expires", () => {
    expect(extendedExpiry(0, clock(10), { ...lifetime, ttl: null }, true)).toMatchObject({
      ok: false,
    });
    expect(extendedExpiry(0, clock(null), lifetime, true)).toEqual({
      ok: false,
      reason: "this lab has no expiry to extend",
    });
    expect(extendedExpiry(0, undefined, lifetime, true)).toMatchObject({ ok: false });
  });
});
