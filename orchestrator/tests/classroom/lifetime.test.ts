// The lifetime policy: which labs the sweeper destroys, stops or forgets, and the times a lab's
// status shows. Pure, so every boundary is checked without a clock or an engine.
import { describe, expect, it } from "vitest";
import { labTimes, type SweptLab, sweepActions } from "../../src/classroom/lifetime.ts";
import {
  DEFAULT_LIFETIME,
  type Lifetime,
  lifetimeFromEnv,
  parseDuration,
} from "../../src/config.ts";

const S = 1000;
const H = 3600 * S;
const lifetime: Lifetime = { ttl: 8 * H, maxTtl: 24 * H, warning: 30 * 60 * S, idleStop: 2 * H };
const lab = (over: Partial<SweptLab> = {}): SweptLab => ({
  lab: "l",
  expiresAt: 10 * H,
  lastActivity: 0,
  state: "running",
  busy: false,
  ...over,
});

describe("sweepActions", () => {
  it("leaves a lab alone before its idle time and its expiry", () => {
    expect(sweepActions(2 * H - 1, [lab()], lifetime)).toEqual([]);
  });

  it("stops a running or degraded lab idle for exactly the idle time, and later", () => {
    for (const state of ["running", "degraded"] as const) {
      expect(sweepActions(2 * H, [lab({ state })], lifetime)).toEqual([{ kind: "stop", lab: "l" }]);
      expect(sweepActions(9 * H, [lab({ state })], lifetime)).toEqual([{ kind: "stop", lab: "l" }]);
    }
  });

  it("does not stop a lab again once stopped", () => {
    expect(sweepActions(9 * H, [lab({ state: "stopped" })], lifetime)).toEqual([]);
  });

  it("never stops a lab when idle stop is off", () => {
    expect(sweepActions(9 * H, [lab()], { ...lifetime, idleStop: null })).toEqual([]);
  });

  it("destroys a lab at its expiry, not a moment before, stopped or not", () => {
    for (const state of ["running", "degraded", "stopped"] as const) {
      expect(
        sweepActions(10 * H - 1, [lab({ state, lastActivity: 10 * H - 2 })], lifetime),
      ).toEqual([]);
      expect(sweepActions(10 * H, [lab({ state })], lifetime)).toEqual([
        { kind: "destroy", lab: "l" },
      ]);
    }
  });

  it("destroys rather than stops a lab both expired and idle", () => {
    expect(sweepActions(11 * H, [lab()], lifetime)).toEqual([{ kind: "destroy", lab: "l" }]);
  });

  it("never destroys a lab without an expiry", () => {
    expect(sweepActions(1000 * H, [lab({ expiresAt: null, state: "stopped" })], lifetime)).toEqual(
      [],
    );
  });

  it("leaves a busy lab alone, however late", () => {
    expect(sweepActions(1000 * H, [lab({ busy: true })], lifetime)).toEqual([]);
  });

  it("forgets the clock of a lab gone from the engine, unless it is being brought up", () => {
    expect(sweepActions(0, [lab({ state: "missing" })], lifetime)).toEqual([
      { kind: "forget", lab: "l" },
    ]);
    expect(sweepActions(0, [lab({ state: "missing", busy: true })], lifetime)).toEqual([]);
  });

  it("decides for each lab on its own", () => {
    const labs = [
      lab({ lab: "a" }),
      lab({ lab: "b", lastActivity: 3 * H }),
      lab({ lab: "c", expiresAt: 4 * H }),
    ];
    expect(sweepActions(4 * H, labs, lifetime)).toEqual([
      { kind: "stop", lab: "a" },
      { kind: "destroy", lab: "c" },
    ]);
  });
});

describe("labTimes", () => {
  const clock = { lab: "l", expiresAt: 10 * H, lastActivity: H };

  it("shows the expiry, and the idle stop from the last activity", () => {
    expect(labTimes(0, clock, false, lifetime)).toEqual({
      expiresAt: new Date(10 * H).toISOString(),
      expiring: false,
      idleStopAt: new Date(3 * H).toISOString(),
    });
  });

  it("says expiring from the start of the warning window on", () => {
    const start = 10 * H - lifetime.warning;
    expect(labTimes(start - 1, clock, false, lifetime).expiring).toBe(false);
    expect(labTimes(start, clock, false, lifetime).expiring).toBe(true);
    expect(labTimes(11 * H, clock, false, lifetime).expiring).toBe(true);
  });

  it("has no idle stop for a stopped lab or when idle stop is off", () => {
    expect(labTimes(0, clock, true, lifetime).idleStopAt).toBeNull();
    expect(labTimes(0, clock, false, { ...lifetime, idleStop: null }).idleStopAt).toBeNull();
  });

  it("has no times for a lab the service does not time, or that never expires", () => {
    expect(labTimes(0, undefined, false, lifetime)).toEqual({
      expiresAt: null,
      expiring: false,
      idleStopAt: null,
    });
    expect(labTimes(0, { ...clock, expiresAt: null }, false, lifetime)).toMatchObject({
      expiresAt: null,
      expiring: false,
    });
  });
});

describe("settings", () => {
  it("reads durations with or without a unit", () => {
    expect(parseDuration("90")).toBe(90 * S);
    expect(parseDuration("90s")).toBe(90 * S);
    expect(parseDuration("30m")).toBe(30 * 60 * S);
    expect(parseDuration(" 8h ")).toBe(8 * H);
    expect(parseDuration("2d")).toBe(48 * H);
    for (const bad of ["", "h", "1.5h", "-1h", "8 h", "8w"]) expect(parseDuration(bad)).toBeNull();
  });

  it("takes the environment's settings, 0 turning the TTL and idle stop off", () => {
    expect(lifetimeFromEnv({})).toEqual(DEFAULT_LIFETIME);
    expect(
      lifetimeFromEnv({
        SOCKETLAB_LAB_TTL: "4h",
        SOCKETLAB_IDLE_STOP: "0",
        SOCKETLAB_LAB_TTL_MAX: "1d",
        SOCKETLAB_LAB_TTL_WARNING: "0",
      }),
    ).toEqual({ ttl: 4 * H, idleStop: null, maxTtl: 24 * H, warning: 0 });
    expect(lifetimeFromEnv({ SOCKETLAB_LAB_TTL: "0", SOCKETLAB_IDLE_STOP: "" })).toEqual({
      ...DEFAULT_LIFETIME,
      ttl: null,
    });
  });

  it("refuses what is not a duration, and a maximum of 0", () => {
    expect(() => lifetimeFromEnv({ SOCKETLAB_LAB_TTL: "8 hours" })).toThrow(/SOCKETLAB_LAB_TTL/);
    expect(() => lifetimeFromEnv({ SOCKETLAB_LAB_TTL_MAX: "0" })).toThrow(/more than 0/);
  });
});
