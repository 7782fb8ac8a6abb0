// `socketlab validate` and `up` on a broken topology: every problem as FILE:LINE:COL, exit 1,
// and nothing created on the engine.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { cli, FIXTURES, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
const broken = join(FIXTURES, "broken.yaml");

async function engineObjectCounts() {
  const [containers, networks, volumes] = await Promise.all([
    engine.containers.list({ all: true }),
    engine.networks.list(),
    engine.volumes.list(),
  ]);
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: volumes.length,
  };
}

beforeAll(async () => {
  engine = await testEngine();
});

describe("a broken topology", () => {
  it("fails validation with every problem positioned, and touches nothing", async () => {
    const before = await engineObjectCounts();
    const result = await cli(["validate", broken]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(`^${broken}:5:5: networks\\.lan\\.sniffabel: unknown field 'sniffabel'`),
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${broken}:9:12: nodes\\.alpha\\.networks\\.lan: .*10\\.9\\.0\\.5.*10\\.1\\.0\\.0/24`,
      ),
    );
    expect(lines[2]).toMatch(new RegExp(`^${broken}:12:7: nodes\\.beta\\.networks\\.wan: .*wan`));
    expect(await engineObjectCounts()).toEqual(before);
  });

  it("is refused by up before anything is created", async () => {
    const before = await engineObjectCounts();
    const result = await cli(["up", broken, "--lab", uniqueLabId("it-broken")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${broken}:5:5`);
    expect(await engineObjectCounts()).toEqual(before);
  });

  it("passes validation when sound", async () => {
    const result = await cli(["validate", join(FIXTURES, "three-nodes.yaml")]);
    expect(result).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("ok (3 nodes, 2 networks)"),
    });
  });
});
