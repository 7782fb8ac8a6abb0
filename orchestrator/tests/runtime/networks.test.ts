// removeNetwork against the in-memory engine: the stale-endpoint case of Docker 20.10 ("has
// active endpoints" with no container attached) cannot be made on purpose on a real engine.
import { beforeEach, describe, expect, it } from "vitest";
import { removeNetwork, STALE_ENDPOINT_WARNING } from "../../src/runtime/networks.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

let engine: MemoryEngine;

beforeEach(async () => {
  engine = new MemoryEngine(["img"]);
  for (const [name, subnet] of [
    ["sl_lab_stuck", "10.9.1.0/24"],
    ["sl_lab_busy", "10.9.2.0/24"],
  ] as const) {
    await engine.networks.create({
      Name: name,
      Internal: true,
      Subnet: subnet,
      Gateway: subnet.replace(/0\/24$/, "1"),
      Options: {},
      Labels: {},
    });
  }
  engine.network("sl_lab_stuck").staleEndpoint = true;
  await engine.containers.create({
    name: "sl_lab_web",
    Image: "img",
    HostConfig: { NetworkMode: "sl_lab_busy" },
  });
});

const removals = () => engine.count("networks.remove");

describe("removeNetwork", () => {
  it("leaves a network Docker keeps a stale endpoint on, after its tries, with a warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await removeNetwork(engine, engine.network("sl_lab_stuck").Id, { tries: 3, delayMs: 5 });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(removals()).toBe(3);
    expect(warnings.map((w) => [(w as { code?: string }).code, w.message])).toEqual([
      [STALE_ENDPOINT_WARNING, expect.stringContaining("sl_lab_stuck")],
    ]);
    expect(engine.network("sl_lab_stuck")).toBeDefined();
  });

  it("fails at once when a container is still attached: that is no stale endpoint", async () => {
    await expect(
      removeNetwork(engine, engine.network("sl_lab_busy").Id, { tries: 3, delayMs: 5 }),
    ).rejects.toThrow(/has active endpoints/);
    expect(removals()).toBe(1);
  });

  it("takes a network that is already gone as removed", async () => {
    await expect(removeNetwork(engine, "gone")).resolves.toBeUndefined();
  });

  it("removes a network with nothing attached", async () => {
    await engine.containers.remove(engine.container("sl_lab_web").id);
    await removeNetwork(engine, engine.network("sl_lab_busy").Id);
    expect(() => engine.network("sl_lab_busy")).toThrow(/No such network/);
  });
});
