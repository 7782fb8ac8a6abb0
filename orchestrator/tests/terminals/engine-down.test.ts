// A terminal on a lab whose engine does not answer: the socket closes with 4503 and the engine's
// message (the REST routes answer 503 engine_unavailable), not with 1011 and a logged failure.
// The pool has a stand-in engine that answers Docker's ping (and an empty list to anything else)
// and an engine on a unix socket nobody listens on, where the store places the lab.
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/api/services/bootstrap.ts";
import { dockerodeEngine } from "../../src/runtime/docker/dockerode.ts";
import { CLOSE } from "../../src/terminals/protocol.ts";
import { type FakeEngine, fakeEngine } from "../engines/fake-engine.ts";

const LAB = "it-term4-engine-down";
let dir = "";
let answering: FakeEngine;
let app: App;
let token = "";
let base = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-term-down-"));
  answering = await fakeEngine(join(dir, "up.sock"));
  const capacity = { labs: null, memoryBytes: null };
  app = await buildApp({
    engine: dockerodeEngine({ socketPath: join(dir, "up.sock") }),
    engines: [
      { name: "up", host: `unix://${join(dir, "up.sock")}`, capacity, drained: false },
      { name: "down", host: `unix://${join(dir, "down.sock")}`, capacity, drained: false },
    ],
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
  await answering?.close();
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
