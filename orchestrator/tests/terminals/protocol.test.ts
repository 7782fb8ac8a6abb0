import { describe, expect, it } from "vitest";
import {
  closeReason,
  controlMessage,
  helloMessage,
  serverMessage,
} from "../../src/terminals/protocol.ts";

const session = "0123456789abcdef0123456789abcdef";

describe("the terminal protocol's messages", () => {
  it("takes a v1 hello and a v2 hello with a session to reconnect to or watch", () => {
    expect(helloMessage.parse({ type: "hello", token: "t", cols: 80, rows: 24 })).toEqual({
      type: "hello",
      token: "t",
      cols: 80,
      rows: 24,
    });
    expect(
      helloMessage.parse({ type: "hello", token: "t", cols: 80, rows: 24, session, watch: true })
        .watch,
    ).toBe(true);
  });

  it("refuses a hello with a bad size, session or watch, naming the field", () => {
    for (const [bad, field] of [
      [{ cols: 0 }, "cols"],
      [{ rows: 1.5 }, "rows"],
      [{ session: "../etc" }, "session"],
      [{ watch: "yes" }, "watch"],
    ] as const) {
      const result = helloMessage.safeParse({
        type: "hello",
        token: "t",
        cols: 80,
        rows: 24,
        ...bad,
      });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([field]);
    }
  });

  it("knows every control message, and no other", () => {
    for (const type of ["pause", "resume", "take-control", "release-control"]) {
      expect(controlMessage.parse({ type })).toEqual({ type });
    }
    expect(controlMessage.parse({ type: "resize", cols: 100, rows: 30 })).toEqual({
      type: "resize",
      cols: 100,
      rows: 30,
    });
    expect(controlMessage.safeParse({ type: "resize", cols: 100 }).success).toBe(false);
    expect(controlMessage.safeParse({ type: "kill" }).success).toBe(false);
  });

  it("describes what the server sends", () => {
    expect(serverMessage.safeParse({ type: "ready", session, mode: "watch" }).success).toBe(true);
    expect(serverMessage.safeParse({ type: "exit", code: null }).success).toBe(true);
    expect(
      serverMessage.safeParse({
        type: "viewers",
        viewers: [{ login: "ta-x", role: "ta", mode: "control" }],
      }).success,
    ).toBe(true);
    expect(serverMessage.safeParse({ type: "mode", mode: "drive" }).success).toBe(false);
  });
});

describe("closeReason", () => {
  const bytes = (text: string) => Buffer.byteLength(text);

  it("keeps a reason of up to 123 bytes whole", () => {
    const reason = "x".repeat(123);
    expect(closeReason(reason)).toBe(reason);
  });

  it("cuts a longer reason to 123 bytes, between two characters", () => {
    expect(closeReason("x".repeat(200))).toBe("x".repeat(123));
    // "€" is 3 bytes: 121 + 3 passes 123, so the cut falls inside the euro sign, which goes whole.
    const cut = closeReason(`${"x".repeat(121)}€ and more`);
    expect(cut).toBe("x".repeat(121));
    expect(bytes(cut)).toBeLessThanOrEqual(123);
    expect(cut).not.toContain("\ufffd");
  });
});
