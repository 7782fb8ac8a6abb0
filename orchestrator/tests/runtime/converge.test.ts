// converge against the in-memory engine: a lab comes up with its networks, host rules and
// containers, nodes start in their waves, and converging again changes only what the plan or the
// engine changed. Readiness is answered by the engine's exec handler (every check passes).
import { beforeEach, describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan } from "../../src/plan/types.ts";
import { type ConvergeEvent, converge, recreateNodes } from "../../src/runtime/converge.ts";
import { GUARD_CONTAINER, GUARD_IMAGE } from "../../src/runtime/host-guard.ts";
import { labInventory } from "../../src/runtime/inventory.ts";
import { readLabRecord } from "../../src/runtime/lab-record.ts";
import { recordingClock } from "../../src/runtime/phase-clock.ts";
import type { Topology } from "../../src/topology/model.ts";
import { network, node, request, topology } from "../plan/helpers.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const CLIENT = "socketlab/client:latest";

function demo(extra: Partial<Parameters<typeof node>[2]> = {}): Topology {
  return topology(
    [network("lan", "192.168.1.0/24"), network("dmz", "172.16.0.0/24")],
    [
      node("alpha", { lan: 10 }, { start: ["sleep 1"] }),
      node("beta", { lan: 11, dmz: 11 }, { after: ["alpha"], ...extra }),
      node("gamma", { dmz: 12 }, { after: ["beta"] }),
    ],
  );
}

function plan(topo: Topology = demo()): LabPlan {
  const result = planLab(topo, request({ lab: "lab-1", owner: "alice" }));
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

let engine: MemoryEngine;
let guardCommands: string[][];
/** Every exec's container, in order: the guard's commands and each node's gate or readiness. */
let execs: string[];

beforeEach(() => {
  engine = new MemoryEngine([CLIENT, GUARD_IMAGE]);
  guardCommands = [];
  execs = [];
  engine.onExec = (container, spec) => {
    execs.push(container.spec.name);
    if (container.spec.name === GUARD_CONTAINER) guardCommands.push(spec.command);
    return { exitCode: 0 };
  };
});

const labContainers = async () =>
  (await labInventory(engine, "lab-1")).containers.map((c) => c.name).sort();

describe("converge", () => {
  it("brings a lab up: record, networks, host rules, containers on their addresses, in waves", async () => {
    const lab = plan();
    const report = await converge(engine, lab);
    expect(report.created.sort()).toEqual(["alpha", "beta", "gamma"]);
    expect(report).toMatchObject({ recreated: [], started: [], unchanged: [], removed: [] });
    expect(await readLabRecord(engine, "lab-1")).toEqual(lab);
    expect([...engine.state.networks.values()].map((n) => n.Name).sort()).toEqual(
      lab.networks.map((n) => n.dockerName).sort(),
    );
    const beta = engine.container(lab.nodes[1]?.containerName as string);
    expect(Object.fromEntries(beta.attached)).toEqual(
      Object.fromEntries(lab.nodes[1]?.endpoints.map((e) => [e.dockerNetwork, e.address]) ?? []),
    );
    // The catch-all first (an iptables flush may have taken it), then the lab's bridges.
    expect(guardCommands).toEqual([
      [
        "/bin/sh",
        "-c",
        expect.stringMatching(
          /INPUT -i sl\+ -j DROP.*&& socketlab-guard add "\$@" && .*DOCKER-ISOLATION-STAGE-1/s,
        ),
        "guard",
        ...lab.networks.map((n) => n.bridgeName),
      ],
    ]);
    // The nodes in their waves; a new one may start before the host rules are in place, but
    // its gate (the first exec in it) opens only after them.
    expect(engine.starts.filter((name) => name !== GUARD_CONTAINER)).toEqual(
      lab.startWaves.flat().map((name) => lab.nodes.find((n) => n.name === name)?.containerName),
    );
    expect(execs[0]).toBe(GUARD_CONTAINER);
    expect(execs.filter((name) => name !== GUARD_CONTAINER)).toHaveLength(lab.nodes.length);
  });

  it("tells of each network made and each node created, started and ready, in that order", async () => {
    const events: ConvergeEvent[] = [];
    await converge(engine, plan(), "recreate", (event) => events.push(event));
    expect(events.filter((e) => e.step === "network created")).toEqual([
      { step: "network created", network: "lan" },
      { step: "network created", network: "dmz" },
    ]);
    for (const name of ["alpha", "beta", "gamma"]) {
      expect(events.filter((e) => "node" in e && e.node === name).map((e) => e.step)).toEqual([
        "node created",
        "node started",
        "node ready",
      ]);
    }
    // beta waits for alpha to be ready (after:), gamma for beta.
    const at = (step: string, name: string) =>
      events.findIndex((e) => e.step === step && "node" in e && e.node === name);
    expect(at("node ready", "alpha")).toBeLessThan(at("node started", "beta"));
    expect(at("node ready", "beta")).toBeLessThan(at("node started", "gamma"));
    // Converging again, nothing is made: nothing to tell.
    events.length = 0;
    await converge(engine, plan(), "recreate", (event) => events.push(event));
    expect(events).toEqual([]);
  });

  it("opens no node's gate when the host rules cannot be put in place", async () => {
    engine.onExec = (container, spec) => {
      execs.push(container.spec.name);
      const guardAdd = container.spec.name === GUARD_CONTAINER && spec.command.includes("guard");
      return guardAdd ? { exitCode: 1, stderr: "iptables: no chain" } : { exitCode: 0 };
    };
    await expect(converge(engine, plan())).rejects.toThrow("iptables: no chain");
    // New containers may have started, but none ran a command: their gates stay shut.
    expect(execs.filter((name) => name !== GUARD_CONTAINER)).toEqual([]);
  });

  it("times each phase: one step per network, per node created, started, and waited for", async () => {
    const clock = recordingClock();
    const lab = plan();
    await converge(engine, lab, "recreate", undefined, clock);
    const steps = Object.fromEntries(clock.spans().map((s) => [s.phase, s.steps]));
    const withFiles = lab.nodes.filter((n) => n.files.length > 0).length;
    // alpha has start commands (waited for in the node); beta and gamma only have their gate.
    expect(steps).toEqual({
      "image checks": 1,
      inventory: 1,
      "lab record": 1,
      removal: 1,
      networks: 2,
      "guard rules": 1,
      create: 3,
      ...(withFiles > 0 ? { "file injection": withFiles } : {}),
      start: 3,
      readiness: 1,
      gate: 2,
    });
  });

  it("changes nothing when converging a lab that is up as planned", async () => {
    await converge(engine, plan());
    const creations = engine.count("containers.create");
    const report = await converge(engine, plan());
    expect(report.unchanged.sort()).toEqual(["alpha", "beta", "gamma"]);
    expect(report).toMatchObject({ created: [], recreated: [], started: [], removed: [] });
    expect(engine.count("containers.create")).toBe(creations);
    expect(engine.count("networks.create")).toBe(2);
  });

  it("starts a stopped node again rather than re-creating it", async () => {
    const lab = plan();
    await converge(engine, lab);
    const alpha = engine.container(lab.nodes[0]?.containerName as string);
    await engine.containers.stop(alpha.id, 0);
    const report = await converge(engine, lab);
    expect(report.started).toEqual(["alpha"]);
    expect(report.recreated).toEqual([]);
    expect(engine.container(alpha.id).state).toBe("running");
  });

  it("re-creates a changed node and leaves the others", async () => {
    await converge(engine, plan());
    const report = await converge(engine, plan(demo({ start: ["sleep 2"] })));
    expect(report.recreated).toEqual(["beta"]);
    expect(report.unchanged.sort()).toEqual(["alpha", "gamma"]);
  });

  it("removes the node the plan no longer has", async () => {
    await converge(engine, plan());
    const smaller = topology(
      [network("lan", "192.168.1.0/24"), network("dmz", "172.16.0.0/24")],
      [node("alpha", { lan: 10 }, { start: ["sleep 1"] }), node("beta", { lan: 11, dmz: 11 })],
    );
    const report = await converge(engine, plan(smaller));
    expect(report.removed).toEqual(["gamma"]);
    expect(await labContainers()).toEqual(["alpha", "beta"]);
  });

  it("re-creates the nodes of a rebuilt image", async () => {
    await converge(engine, plan());
    engine.addImage(CLIENT);
    const report = await converge(engine, plan());
    expect(report.recreated.sort()).toEqual(["alpha", "beta", "gamma"]);
  });

  it("refuses a lab whose image the engine lacks, before it makes anything", async () => {
    engine.state.images.delete(CLIENT);
    await expect(converge(engine, plan())).rejects.toThrow(
      `image ${CLIENT} (node alpha, beta, gamma) is not on the engine`,
    );
    expect(engine.state.networks.size).toBe(0);
    expect(engine.state.containers.size).toBe(0);
    expect(engine.state.volumes.size).toBe(0);
  });

  it("fails with the node's name when a node stops while starting", async () => {
    engine.onExec = (container) => {
      if (container.spec.name === GUARD_CONTAINER) return { exitCode: 0 };
      container.state = "exited";
      return { exitCode: 1 };
    };
    await expect(converge(engine, plan())).rejects.toThrow(/^node alpha stopped/);
    // Its wave failed: the nodes after it were created and never started.
    expect(engine.starts).not.toContain(plan().nodes[1]?.containerName);
  });
});

describe("recreateNodes (a reset of named nodes)", () => {
  it("re-creates only the named node: no other node is created, started or exec'd into", async () => {
    const lab = plan();
    await converge(engine, lab);
    const gamma = engine.container(lab.nodes[2]?.containerName as string);
    await engine.containers.stop(gamma.id, 0);
    const oldBeta = engine.container(lab.nodes[1]?.containerName as string).id;
    const creations = engine.count("containers.create");
    const starts = engine.starts.length;
    execs = [];

    const report = await recreateNodes(engine, lab, ["beta"]);

    expect(report.created).toEqual(["beta"]);
    expect(report.unchanged.sort()).toEqual(["alpha", "gamma"]);
    expect(report).toMatchObject({ recreated: [], started: [], removed: [] });
    expect(engine.count("containers.create")).toBe(creations + 1);
    expect(engine.starts.slice(starts)).toEqual([lab.nodes[1]?.containerName]);
    // The host rules once, then beta's own gate: nothing in alpha or gamma.
    expect(new Set(execs)).toEqual(new Set([GUARD_CONTAINER, lab.nodes[1]?.containerName]));
    expect(engine.container(lab.nodes[1]?.containerName as string).id).not.toBe(oldBeta);
    // A node that was stopped stays stopped: only what was asked is touched.
    expect(engine.container(gamma.id).state).toBe("exited");
  });

  it("converges the whole lab when one of its networks has gone", async () => {
    const lab = plan();
    await converge(engine, lab);
    const dmz = (await labInventory(engine, "lab-1")).networks.find((n) => n.name === "dmz");
    for (const name of ["beta", "gamma"]) {
      const id = engine.container(
        lab.nodes.find((n) => n.name === name)?.containerName as string,
      ).id;
      await engine.containers.remove(id);
    }
    await engine.networks.remove(dmz?.id as string);

    const report = await recreateNodes(engine, lab, ["beta"]);

    expect(report.created.sort()).toEqual(["beta", "gamma"]);
    expect((await labInventory(engine, "lab-1")).networks.map((n) => n.name).sort()).toEqual([
      "dmz",
      "lan",
    ]);
    expect(await labContainers()).toEqual(["alpha", "beta", "gamma"]);
  });
});
