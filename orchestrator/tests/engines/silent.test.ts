// Engines that do not answer, or answer a ping but fail to list their labs. The first is a unix
// socket nobody listens on; the second a stand-in that answers Docker's ping and fails anything
// else. Neither stops `socketlab engines` from listing the pool, an engine is pinged once per
// look, and an engine that fails its listing keeps the labs the store places on it.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines } from "../../src/cli/commands/engines.ts";
import { EnginePool } from "../../src/engines/pool.ts";
import { type EngineSpec, readEnginesFile } from "../../src/engines/spec.ts";
import { openDb } from "../../src/store/db.ts";
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
  specs = readEnginesFile(file);
});

afterAll(() => failing?.close());

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
    const pool = EnginePool.fromSpecs(specs);
    const before = failing.pings();
    await pool.reports();
    expect(failing.pings() - before).toBe(1);
  });

  it("keep their stored labs when their listing fails", async () => {
    const db = openDb(":memory:");
    EnginePool.fromSpecs(specs, db).placedOn("lab-1", "failing", "alice", "demo");
    const pool = EnginePool.fromSpecs(specs, db);
    expect(await pool.rebuild()).toEqual({ found: 0, unavailable: 1 });
    expect(EnginePool.fromSpecs(specs, db).storedOn("failing")).toEqual([
      { lab: "lab-1", engine: "failing", owner: "alice", topology: "demo" },
    ]);
  });
});
