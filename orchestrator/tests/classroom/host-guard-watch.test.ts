// The host guard's watch against the in-memory engine: at its first look every running lab node
// gets its lab's host rules and then its gate opened; a later look touches only nodes the engine
// started again since, or every lab when the guard itself was started again.
import { beforeEach, describe, expect, it } from "vitest";
import { HostGuardWatch } from "../../src/classroom/host-guard-watch.ts";
import { SingleEngine } from "../../src/engines/single.ts";
import { OPEN_GATE_SCRIPT } from "../../src/plan/container.ts";
import { converge } from "../../src/runtime/converge.ts";
import { GUARD_CONTAINER, GUARD_IMAGE } from "../../src/runtime/host-guard.ts";
import { MemoryEngine } from "../support/memory-engine.ts";
import { twoNodeLab } from "./two-node-lab.ts";

const CLIENT = "socketlab/client:latest";
let engine: MemoryEngine;
let clock: number;
/** What each exec did, in order: `guard` (host rules) or `gate <container>`. */
let calls: string[];

const silentLog = { info: () => {}, error: () => {} };

/** The engine starts a container again by itself, as a restart policy does. */
async function restartedByEngine(name: string) {
  clock += 1000;
  await engine.containers.stop(name, 0);
  await engine.containers.start(name);
}

beforeEach(async () => {
  clock = Date.parse("2026-12-07T10:00:00Z");
  engine = new MemoryEngine([CLIENT, GUARD_IMAGE]);
  engine.now = () => clock;
  await converge(engine, twoNodeLab("one"));
  await converge(engine, twoNodeLab("two", ["10.200.0.0/24"]));
  calls = [];
  engine.onExec = (container, spec) => {
    if (container.spec.name === GUARD_CONTAINER) calls.push("guard");
    else if (spec.command.at(-1) === OPEN_GATE_SCRIPT) calls.push(`gate ${container.spec.name}`);
    return { exitCode: 0 };
  };
});

describe("the host guard's watch", () => {
  it("puts every lab's rules back, then opens its nodes' gates, at its first look", async () => {
    await new HostGuardWatch(new SingleEngine(engine), silentLog).run();
    expect(calls.filter((c) => c === "guard")).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("gate")).sort()).toEqual([
      "gate sl_one_a",
      "gate sl_one_b",
      "gate sl_two_a",
      "gate sl_two_b",
    ]);
    // Each lab's rules come before its gates.
    for (const id of ["one", "two"]) {
      const firstGate = calls.findIndex((c) => c.startsWith(`gate sl_${id}_`));
      expect(calls.slice(0, firstGate)).toContain("guard");
    }
  });

  it("then touches only the nodes the engine started again, after their lab's rules", async () => {
    const watch = new HostGuardWatch(new SingleEngine(engine), silentLog);
    await watch.run();
    calls = [];
    await watch.run();
    expect(calls).toEqual([]);
    await restartedByEngine("sl_two_b");
    await watch.run();
    expect(calls).toEqual(["guard", "gate sl_two_b"]);
  });

  it("puts every lab's rules back when the guard was started again (an iptables flush)", async () => {
    const watch = new HostGuardWatch(new SingleEngine(engine), silentLog);
    await watch.run();
    await restartedByEngine(GUARD_CONTAINER);
    calls = [];
    await watch.run();
    expect(calls.filter((c) => c === "guard")).toHaveLength(2);
    expect(calls.filter((c) => c.startsWith("gate"))).toHaveLength(4);
  });
});
