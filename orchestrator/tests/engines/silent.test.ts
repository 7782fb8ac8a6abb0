// Engines that do not answer, or answer a ping but fail to list their labs. For the command, the
// first is a unix socket nobody listens on and the second a stand-in on a socket that answers
// Docker's ping and fails anything else; for the pool, in-memory engines, one taken down and one
// failing its listings. Neither stops `socketlab engines` from listing the pool, an engine is
// pinged once per look, and an engine that fails its listing keeps the labs the store places on it.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines } from "../../src/cli/commands/engines.ts";
import { readEngines } from "../../src/engines/configured.ts";
import { EnginePool } from "../../src/engines/pool.ts";
import type { EngineSpec } from "../../src/engines/spec.ts";
import { EngineRequestError } from "../../src/runtime/docker/port.ts";
import type { Db } from "../../src/store/db.ts";
import { openDb } from "../../src/store/db.ts";
import { MemoryEngine } from "../support/memory-engine.ts";
import { type FakeEngine, fakeEngine } from "./fake-engine.ts";

let dir = "";
let failing: FakeEngine;
let file = "";
let specs: EngineSpec[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-silent-"));
  failing = await fakeEngine(join(dir, "failing.sock"), "failing");
  file = join(dir, "engines.yaml");
  await writeFile(
    file,
    `engines:
  - name: gone
    host: unix://${join(dir, "gone.sock")}
  - name: failing
    host: unix://${join(dir, "failing.sock")}
`,
  );
  specs = (await readEngines(file)).specs;
});

afterAll(() => failing?.close());

/** The engines file's pool on in-memory engines: `gone` taken down, `failing` failing listings. */
function memoryPool(db?: Db) {
  const gone = new MemoryEngine();
  gone.takeDown();
  const broken = new MemoryEngine();
  for (const listing of ["volumes.list", "containers.list", "networks.list"]) {
    broken.failing.set(listing, new EngineRequestError(500, "listing broken"));
  }
  const engines: Record<string, MemoryEngine> = { gone, failing: broken };
  const pool = EnginePool.fromSpecs(
    specs,
    db,
    null,
    () => {},
    (spec) => engines[spec.name] as MemoryEngine,
  );
  return { pool, broken };
}

describe("engines that do not answer", () => {
  it("are listed by `socketlab engines`, the first one too", async () => {
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      out.push(String(chunk));
      return true;
    });
    try {
      expect(await engines.run(["--engines", file, "--json"])).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(JSON.parse(out.join(""))).toMatchObject([
      { name: "gone", available: false, error: expect.stringMatching(/ENOENT|ECONNREFUSED/) },
      { name: "failing", available: false, error: expect.stringMatching(/listing broken/) },
    ]);
  });

  it("are pinged once per look", async () => {
    const { pool, broken } = memoryPool();
    expect(await pool.reports()).toMatchObject([
      { name: "gone", available: false, error: expect.stringMatching(/ECONNREFUSED/) },
      { name: "failing", available: false, error: "listing broken" },
    ]);
    expect(broken.count("ping")).toBe(1);
  });

  it("keep their stored labs when their listing fails", async () => {
    const db = openDb(":memory:");
    memoryPool(db).pool.recordPlacement("lab-1", "failing", "alice", "demo");
    expect(await memoryPool(db).pool.rebuild()).toEqual({ found: 0, unavailable: 1 });
    expect(memoryPool(db).pool.placementsOn("failing")).toEqual([
      { lab: "lab-1", engine: "failing", owner: "alice", topology: "demo" },
    ]);
  });
});
