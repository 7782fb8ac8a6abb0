// Why a node stopped, through the API: a node the disk watch stopped says so in its lab's status
// (what it wrote, the limit, the words its terminal was told), also after the service restarts;
// once it runs again the reason is gone, and a later stop of the lab does not bring it back. The
// lab lives on the in-memory engine; the database is a file, so that a second app reads it again.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer } from "../../../tests/support/api.ts";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { diskLimitReason } from "../../src/classroom/disk-watch.ts";
import { converge } from "../../src/runtime/converge.ts";
import { GUARD_IMAGE } from "../../src/runtime/host-guard.ts";
import { openDb } from "../../src/store/db.ts";
import { forgetNodeStop, nodeStops, recordNodeStop } from "../../src/store/node-stops.ts";
import { twoNodeLab } from "../classroom/two-node-lab.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const MIB = 1024 * 1024;
const LIMIT = 100 * MIB;
let engine: MemoryEngine;
let dataDir: string;
let app: App | undefined;

/** The service on the test's engine and data folder; the instructor's token, made at the first start. */
async function start(): Promise<{ app: App; instructor: string }> {
  app = await buildApp({ engine, dataDir, sweepEveryMs: 0, nodeDiskBytes: LIMIT });
  await app.ready();
  return { app, instructor: ensureInstructor(app.db) as string };
}

async function call(method: "GET" | "POST", url: string, token: string) {
  const response = await (app as App).inject({ method, url, headers: bearer(token) });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    nodes: { name: string; state: string; stopReason: Record<string, unknown> | null }[];
  };
}

const node = (status: Awaited<ReturnType<typeof call>>, name: string) =>
  status.nodes.find((n) => n.name === name);

beforeEach(async () => {
  engine = new MemoryEngine(["socketlab/client:latest", GUARD_IMAGE]);
  await converge(engine, twoNodeLab("one"));
  dataDir = await mkdtemp(join(tmpdir(), "sl-node-stops-"));
});

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("a node stopped at its disk limit", () => {
  it("says why in its lab's status, after a restart too, until it runs again", async () => {
    const { instructor } = await start();
    engine.container("sl_one_a").writtenBytes = 301 * MIB;
    await (app as App).diskWatch.run();

    const stopped = await call("GET", "/api/labs/one", instructor);
    expect(node(stopped, "a")).toMatchObject({
      state: "exited",
      stopReason: {
        cause: "disk-limit",
        bytes: 301 * MIB,
        limitBytes: LIMIT,
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        message: diskLimitReason(301 * MIB, LIMIT),
      },
    });
    expect(node(stopped, "b")).toMatchObject({ state: "running", stopReason: null });

    // The service restarts: the reason is read from its store.
    await (app as App).close();
    await start();
    const again = await call("GET", "/api/labs/one", instructor);
    expect(node(again, "a")?.stopReason).toEqual(node(stopped, "a")?.stopReason);

    // Resumed, it runs: no reason; stopped by hand later, still none (that stop was not the disk's).
    engine.container("sl_one_a").writtenBytes = 0;
    const resumed = await call("POST", "/api/labs/one/resume", instructor);
    expect(node(resumed, "a")).toMatchObject({ state: "running", stopReason: null });
    const byHand = await call("POST", "/api/labs/one/stop", instructor);
    expect(node(byHand, "a")).toMatchObject({ state: "exited", stopReason: null });
  });

  it("is forgotten with its lab", async () => {
    const { instructor } = await start();
    engine.container("sl_one_a").writtenBytes = 301 * MIB;
    await (app as App).diskWatch.run();
    expect(nodeStops((app as App).db, "one").size).toBe(1);
    const response = await (app as App).inject({
      method: "DELETE",
      url: "/api/labs/one",
      headers: bearer(instructor),
    });
    expect(response.statusCode, response.body).toBe(204);
    expect(nodeStops((app as App).db, "one").size).toBe(0);
  });
});

describe("the store's node stops", () => {
  it("keeps each node's latest stop, and forgets one only if it is older than asked", () => {
    const db = openDb(":memory:");
    const stop = { lab: "one", node: "a", cause: "disk-limit", bytes: 5, limitBytes: 4 } as const;
    recordNodeStop(db, { ...stop, at: 1000 });
    recordNodeStop(db, { ...stop, bytes: 7, at: 2000 });
    recordNodeStop(db, { ...stop, node: "b", at: 1500 });
    expect([...nodeStops(db, "one").values()]).toEqual([
      { ...stop, bytes: 7, at: 2000 },
      { ...stop, node: "b", at: 1500 },
    ]);
    expect(nodeStops(db, "two").size).toBe(0);
    // A node seen running by a look that began before its stop was recorded keeps the stop.
    forgetNodeStop(db, "one", "a", 2000);
    expect(nodeStops(db, "one").has("a")).toBe(true);
    forgetNodeStop(db, "one", "a", 2001);
    expect(nodeStops(db, "one").has("a")).toBe(false);
    expect(nodeStops(db, "one").has("b")).toBe(true);
  });
});
