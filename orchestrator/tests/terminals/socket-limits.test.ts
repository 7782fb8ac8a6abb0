// The terminal socket's limits before anyone signs in: a frame larger than MAX_FRAME_BYTES is
// refused by ws (1009) before it is kept whole, a hello larger than MAX_HELLO_BYTES or with a
// token far longer than any token is refused (4400), and the service answers on.
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type App, buildApp } from "../../src/api/app.ts";
import { MAX_FRAME_BYTES, MAX_HELLO_BYTES } from "../../src/terminals/limits.ts";
import { CLOSE } from "../../src/terminals/protocol.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

let app: App;
let base = "";

beforeAll(async () => {
  app = await buildApp({ engine: new MemoryEngine(), dataDir: ":memory:", sweepEveryMs: 0 });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
});

/** Sends `first` as the socket's first message; the close's code and reason. */
function closeAfter(first: string | Buffer): Promise<{ code: number; reason: string }> {
  const socket = new WebSocket(`${base}/api/labs/some-lab/nodes/web/terminal`);
  socket.on("open", () => socket.send(first));
  return new Promise((resolve) => {
    socket.on("error", () => {}); // the server's abrupt close of an oversized frame
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

describe("terminal socket limits", () => {
  it("refuses a frame larger than MAX_FRAME_BYTES (1009, message too big)", async () => {
    const closed = await closeAfter(Buffer.alloc(MAX_FRAME_BYTES + 1, 0x61));
    expect(closed.code).toBe(1009);
  });

  it("refuses a hello larger than MAX_HELLO_BYTES", async () => {
    const hello = JSON.stringify({
      type: "hello",
      token: "t",
      cols: 80,
      rows: 24,
      pad: "x".repeat(MAX_HELLO_BYTES),
    });
    const closed = await closeAfter(hello);
    expect(closed).toEqual({
      code: CLOSE.badRequest,
      reason: `the hello message is larger than ${MAX_HELLO_BYTES} bytes`,
    });
  });

  it("refuses a token far longer than any token", async () => {
    const hello = JSON.stringify({ type: "hello", token: "x".repeat(1000), cols: 80, rows: 24 });
    expect((await closeAfter(hello)).code).toBe(CLOSE.badRequest);
  });

  it("answers on after them", async () => {
    const response = await app.inject({ method: "GET", url: "/api/health" });
    expect(response.statusCode).toBe(200);
  });
});
