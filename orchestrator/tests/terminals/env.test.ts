import { describe, expect, it } from "vitest";
import { terminalsFromEnv } from "../../src/terminals/registry.ts";

describe("terminalsFromEnv", () => {
  it("reads the grace period and the input recording policy", () => {
    expect(terminalsFromEnv({})).toEqual({});
    expect(
      terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "5m", SOCKETLAB_RECORD_INPUT: "TRUE" }),
    ).toEqual({ graceMs: 300_000, recordInput: true });
    expect(terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "0" })).toEqual({ graceMs: 0 });
  });

  it("names the variable that is wrong", () => {
    expect(() => terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "soon" })).toThrow(
      /SOCKETLAB_TERMINAL_GRACE/,
    );
    expect(() => terminalsFromEnv({ SOCKETLAB_RECORD_INPUT: "yes" })).toThrow(
      /SOCKETLAB_RECORD_INPUT/,
    );
  });
});
