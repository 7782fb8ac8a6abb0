// A terminal on a lab whose engine does not answer: the socket closes with 4503 and the engine's
// message (the REST routes answer 503 engine_unavailable), not with 1011 and a logged failure.
// The pool has two in-memory engines: one that answers, and one taken down, where the store
// places the lab.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { CLOSE } from "../../src/terminals/protocol.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const LAB = "it-term4-engine-down";
let dir = "";
let app: App;
let token = "";
let base = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-term-down-"));
  const capacity = { labs: null, memoryBytes: null };
  const engines = { up: new MemoryEngine(), down: new MemoryEngine() };
  engines.down.takeDown();
  app = await buildApp({
    engine: engines.up,
    engines: [
      { name: "up", host: "unix:///run/up.sock", capacity, drained: false },
      { name: "down", host: "unix:///run/down.sock", capacity, drained: false },
    ],
    connect: (spec) => engines[spec.name as keyof typeof engines],
    dataDir: ":memory:",
    libraryDir: dir,
    sweepEveryMs: 0,
  });
  token = ensureInstructor(app.db) as string;
  app.engines.recordPlacement(LAB, "down", "student-x", "demo");
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await app?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Opens the node's terminal with the instructor's hello; the close's code and reason. */
function closeOf(node: string): Promise<{ code: number; reason: string }> {
  const socket = new WebSocket(`${base}/api/labs/${LAB}/nodes/${node}/terminal`);
  socket.on("open", () =>
    socket.send(JSON.stringify({ type: "hello", token, cols: 80, rows: 24 })),
  );
  return new Promise((resolve, reject) => {
    socket.on("error", reject);
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
}

describe("a terminal on a lab whose engine does not answer", () => {
  it("closes with 4503 and names the engine", async () => {
    const closed = await closeOf("alpha");
    expect(closed.code).toBe(CLOSE.engineUnavailable);
    expect(closed.reason).toContain("engine down");
    expect(closed.reason).toContain("does not answer");
  });
});
