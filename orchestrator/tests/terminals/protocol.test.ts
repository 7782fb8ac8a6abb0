import { describe, expect, it } from "vitest";
import { controlMessage, helloMessage, serverMessage } from "../../src/api/schemas/terminal.ts";

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
