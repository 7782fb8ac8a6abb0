// Resource guards: a fork bomb and a memory hog on one node of lab A stay inside that node's
// limits. Lab B, and lab A's other nodes, keep answering; the hogged node can be reset.
// Nothing here is timed: a slow answer on a busy 2-core machine is still an answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, resetNodes, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../orchestrator/src/runtime/exec.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import { docker, fixture, sh, testEngine, uniqueLabId } from "./engine.ts";

// The defaults of a node that sets no limits (three-nodes.yaml sets none).
const MEMORY_BYTES = 256 * 2 ** 20;
const PIDS = 256;
const NANO_CPUS = 0.5e9;

let engine: Engine;
const labA = uniqueLabId("it-guard-a");
const labB = uniqueLabId("it-guard-b");
/** Set while the bomb may still hold lab A's alpha: afterAll resets it before the teardown. */
let bombLoose = false;

beforeAll(async () => {
  engine = await testEngine();
  const topology = await fixture("three-nodes.yaml");
  await Promise.all([
    upLab(engine, topology, { lab: labA, owner: "alice" }),
    upLab(engine, topology, { lab: labB, owner: "bob" }),
  ]);
});

afterAll(async () => {
  try {
    if (bombLoose) await resetNodes(engine, labA, ["alpha"]);
  } finally {
    await Promise.all([downLab(engine, labA), downLab(engine, labB)]);
  }
});

async function containerId(lab: string, node: string): Promise<string> {
  const inventory = await labInventory(engine, lab);
  const container = inventory.containers.find((c) => c.name === node);
  if (!container) throw new Error(`lab ${lab} has no container for ${node}`);
  return container.id;
}

/** The engine's count of the container's processes and threads (its pids cgroup). */
async function pidsCurrent(id: string): Promise<number> {
  const stats = await docker.getContainer(id).stats({ stream: false });
  return stats.pids_stats?.current ?? 0;
}

/** Process command lines in the container, read by the engine from the host (no exec). */
async function processes(id: string): Promise<string[]> {
  // The engine needs the pid column to pick the container's processes out of the host's.
  const top = await docker.getContainer(id).top({ ps_args: "-eo pid,args" });
  return ((top.Processes ?? []) as string[][]).map((p) => p.at(-1) ?? "");
}

/** Polls `probe` until it holds; the test's own timeout bounds the wait. */
async function eventually(probe: () => Promise<boolean>): Promise<void> {
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 250));
}

describe("resource guards", () => {
  it("put the default memory, CPU and pids limits on every node", async () => {
    for (const node of ["alpha", "beta", "gamma"]) {
      const info = await docker.getContainer(await containerId(labA, node)).inspect();
      expect(info.HostConfig.Memory).toBe(MEMORY_BYTES);
      // No swap beyond the limit: a hog meets the OOM killer, not the disk.
      expect(info.HostConfig.MemorySwap).toBe(MEMORY_BYTES);
      expect(info.HostConfig.NanoCpus).toBe(NANO_CPUS);
      expect(info.HostConfig.PidsLimit).toBe(PIDS);
    }
  });

  it("keep a fork bomb and a memory hog inside their node", async () => {
    const alpha = await containerId(labA, "alpha");
    // `tail` of an endless file without newlines keeps all of it: it grows until it is killed.
    let hogDone = false;
    const hog = sh(engine, labA, "alpha", "tail /dev/zero; echo hog-exit=$?").finally(() => {
      hogDone = true;
    });
    // The bomb starts once the hog has its process (it may be killed within a second), so that
    // a full pids table cannot keep the hog from starting.
    await eventually(
      async () => hogDone || (await processes(alpha)).some((p) => p.startsWith("tail")),
    );

    // Every `sleep` holds a pid for ten minutes: the loop fills the pids limit and stays there.
    bombLoose = true;
    const bomb = await sh(
      engine,
      labA,
      "alpha",
      "nohup bash -c 'while :; do sleep 600 & done' >/dev/null 2>&1 &",
    );
    expect(bomb.exitCode).toBe(0);
    await eventually(async () => (await pidsCurrent(alpha)) >= PIDS);
    // At the limit, never past it; a moment later the count may be a little below it, as the hog
    // is killed and the loop's next fork has not yet taken its pid back.
    expect(await pidsCurrent(alpha)).toBeLessThanOrEqual(PIDS);

    // The kernel kills the hog inside its container (SIGKILL: 128 + 9), and only the hog.
    const hogResult = await hog;
    expect(hogResult.stdout).toContain("hog-exit=137");
    expect((await docker.getContainer(alpha).inspect()).State.Running).toBe(true);

    // While the bomb holds alpha: lab B's node and lab A's other nodes still answer.
    const [other, beta, gamma] = await Promise.all([
      // A generous bound so that a hung exec fails the test rather than stalls it; not a timing.
      execCapture(engine, await containerId(labB, "alpha"), ["/bin/sh", "-c", "echo lab-b-alive"], {
        timeoutMs: 20_000,
      }),
      sh(engine, labA, "beta", "cat /etc/socketlab-fixture"),
      sh(engine, labA, "gamma", "echo gamma-alive"),
    ]);
    expect(other).toMatchObject({ exitCode: 0 });
    expect(other.stdout).toContain("lab-b-alive");
    expect(beta.exitCode).toBe(0);
    expect(beta.stdout).toContain("from the topology");
    expect(gamma.stdout).toContain("gamma-alive");
    expect(await pidsCurrent(alpha)).toBe(PIDS);

    // A reset gives the student a working node again, with its limits.
    await resetNodes(engine, labA, ["alpha"]);
    bombLoose = false;
    const fresh = await containerId(labA, "alpha");
    expect(await sh(engine, labA, "alpha", "echo controllable")).toMatchObject({
      exitCode: 0,
      stdout: "controllable\n",
    });
    expect(await pidsCurrent(fresh)).toBeLessThan(PIDS / 4);
    expect((await docker.getContainer(fresh).inspect()).HostConfig.PidsLimit).toBe(PIDS);
  });
});
