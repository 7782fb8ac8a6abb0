// A session's output rate, on a shell whose stream is a PassThrough and a viewer whose socket
// sends at once, with the clock faked: a burst flows, output past the rate pauses the shell's
// stream until the budget has earned it back, and the viewer receives every byte meanwhile
// (nothing is dropped, only read later). Without a rate the stream is never paused.
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import type { Shell } from "../../src/runtime/login-shell.ts";
import type { OutputRate } from "../../src/terminals/output-budget.ts";
import type { Recorder } from "../../src/terminals/recorder.ts";
import { TerminalSession } from "../../src/terminals/session.ts";
import { Viewer } from "../../src/terminals/viewer.ts";

const LIMITS = {
  graceMs: 60_000,
  replayBytes: 1024,
  highWatermark: 1024 * 1024,
  lowWatermark: 256 * 1024,
  touchEveryMs: 30_000,
};

/** A session over a PassThrough shell, joined by one owner whose socket takes all at once. */
function session(outputRate: OutputRate | null) {
  const stream = new PassThrough();
  const shell: Shell = {
    stream,
    ended: new Promise(() => {}),
    user: "student",
    exitCode: async () => null,
    resize: async () => {},
    kill: async () => {},
  };
  const recorder = { output() {}, input() {}, resize() {}, finish: async () => {} };
  let received = 0;
  const socket = {
    OPEN: 1,
    CONNECTING: 0,
    readyState: 1,
    send(data: Buffer | string, ...rest: unknown[]) {
      if (typeof data !== "string") received += data.length;
      const done = rest.find((r): r is () => void => typeof r === "function");
      done?.();
    },
    close() {},
  };
  const made = new TerminalSession(
    { id: "s1", lab: "one", node: "a", owner: "ann", startedAt: new Date() },
    shell,
    recorder as unknown as Recorder,
    { ...LIMITS, outputRate },
    { touch() {}, audit() {}, log() {}, gone() {} },
  );
  made.join(
    new Viewer(
      socket as unknown as WebSocket,
      { login: "ann", role: "student", tokenId: "t" },
      "control",
    ),
  );
  return { made, stream, received: () => received };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe("a session's output rate", () => {
  it("pauses the shell past the rate until the budget allows more, losing nothing", async () => {
    const { made, stream, received } = session({ bytesPerSecond: 1000, burstBytes: 500 });
    stream.write(Buffer.alloc(400));
    expect(stream.isPaused()).toBe(false);
    // 200 bytes past the burst at 1000 bytes/s: held 200 ms.
    stream.write(Buffer.alloc(300));
    expect(stream.isPaused()).toBe(true);
    // What the node writes meanwhile waits in the stream, unread.
    stream.write(Buffer.alloc(100));
    await vi.advanceTimersByTimeAsync(199);
    expect(stream.isPaused()).toBe(true);
    expect(received()).toBe(700);
    await vi.advanceTimersByTimeAsync(1);
    expect(received()).toBe(800);
    // Read at once when the hold ended, so those 100 bytes are past the budget too: 100 ms more.
    expect(stream.isPaused()).toBe(true);
    await vi.advanceTimersByTimeAsync(99);
    expect(stream.isPaused()).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(stream.isPaused()).toBe(false);
    await made.end();
  });

  it("never pauses a shell without a rate", async () => {
    const { made, stream, received } = session(null);
    for (let i = 0; i < 100; i++) stream.write(Buffer.alloc(10_000));
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.isPaused()).toBe(false);
    expect(received()).toBe(1_000_000);
    await made.end();
  });
});
