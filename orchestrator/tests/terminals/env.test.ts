import { describe, expect, it } from "vitest";
import { terminalsFromEnv } from "../../src/config.ts";

describe("terminalsFromEnv", () => {
  it("reads the grace period, the input recording policy and the recordings' retention", () => {
    expect(terminalsFromEnv({})).toEqual({});
    expect(
      terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "5m", SOCKETLAB_RECORD_INPUT: "TRUE" }),
    ).toEqual({ graceMs: 300_000, recordInput: true });
    expect(terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "0" })).toEqual({ graceMs: 0 });
    expect(terminalsFromEnv({ SOCKETLAB_RECORDING_DAYS: " 90 " })).toEqual({ recordingDays: 90 });
    expect(terminalsFromEnv({ SOCKETLAB_RECORDING_DAYS: "0" })).toEqual({ recordingDays: 0 });
  });

  it("reads the output rate: a size a second, a burst of half of it, 0 for no bound", () => {
    expect(terminalsFromEnv({ SOCKETLAB_TERMINAL_OUTPUT_RATE: " 2m " })).toEqual({
      outputRate: { bytesPerSecond: 2 * 1024 * 1024, burstBytes: 1024 * 1024 },
    });
    expect(terminalsFromEnv({ SOCKETLAB_TERMINAL_OUTPUT_RATE: "1" })).toEqual({
      outputRate: { bytesPerSecond: 1, burstBytes: 1 },
    });
    expect(terminalsFromEnv({ SOCKETLAB_TERMINAL_OUTPUT_RATE: "0" })).toEqual({
      outputRate: null,
    });
    for (const rate of ["fast", "-1k", "1k/s"]) {
      expect(() => terminalsFromEnv({ SOCKETLAB_TERMINAL_OUTPUT_RATE: rate })).toThrow(
        "SOCKETLAB_TERMINAL_OUTPUT_RATE must be a size a second such as 512k or 2m (0: no bound)",
      );
    }
  });

  it("names the variable that is wrong", () => {
    expect(() => terminalsFromEnv({ SOCKETLAB_TERMINAL_GRACE: "soon" })).toThrow(
      /SOCKETLAB_TERMINAL_GRACE/,
    );
    expect(() => terminalsFromEnv({ SOCKETLAB_RECORD_INPUT: "yes" })).toThrow(
      /SOCKETLAB_RECORD_INPUT/,
    );
    for (const days of ["-1", "1.5", "30d"]) {
      expect(() => terminalsFromEnv({ SOCKETLAB_RECORDING_DAYS: days })).toThrow(
        /SOCKETLAB_RECORDING_DAYS/,
      );
    }
  });
});
