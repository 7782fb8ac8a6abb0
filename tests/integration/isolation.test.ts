// Two instances of one topology side by side: their own subnets, no traffic between them, and
// no way from a lab node to the services of the host it runs on.

import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { overlaps, parseCidr } from "../../orchestrator/src/net/ipv4.ts";
import type { LabPlan } from "../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../orchestrator/src/runtime/exec.ts";
import {
  GUARD_CONTAINER,
  guardBridges,
  unguardBridges,
} from "../../orchestrator/src/runtime/host-guard.ts";
import { fixture, sh, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
const labA = uniqueLabId("it-iso-a");
const labB = uniqueLabId("it-iso-b");
let planA: LabPlan;
let planB: LabPlan;

beforeAll(async () => {
  engine = await testEngine();
  const topology = await fixture("three-nodes.yaml");
  // Both at once, as a class spin-up would: the planner and the engine must keep them apart.
  [planA, planB] = await Promise.all([
    upLab(engine, topology, { lab: labA, owner: "alice" }).then((r) => r.plan),
    upLab(engine, topology, { lab: labB, owner: "bob" }).then((r) => r.plan),
  ]);
});

afterAll(async () => {
  await Promise.all([downLab(engine, labA), downLab(engine, labB)]);
});

const address = (plan: LabPlan, node: string, network: string) =>
  plan.nodes.find((n) => n.name === node)?.endpoints.find((e) => e.network === network)
    ?.address as string;

describe("two instances of one topology", () => {
  it("get subnets that do not overlap, with the same host parts", () => {
    for (const a of planA.networks) {
      for (const b of planB.networks) {
        const [ca, cb] = [parseCidr(a.subnet), parseCidr(b.subnet)];
        if (!ca.ok || !cb.ok) throw new Error("unparsable subnet in a plan");
        expect(overlaps(ca.cidr, cb.cidr)).toBe(false);
      }
    }
    expect(address(planA, "beta", "back").split(".")[3]).toBe("20");
    expect(address(planB, "beta", "back").split(".")[3]).toBe("20");
  });

  it("carry no traffic between them, on any pair of networks", async () => {
    for (const network of ["front", "back"]) {
      const node = network === "front" ? "alpha" : "gamma";
      // beta sits on both networks, so it tries every pair.
      const fromA = await sh(
        engine,
        labA,
        "beta",
        `ping -c 1 -W 2 ${address(planB, node, network)}`,
      );
      expect(fromA.exitCode).not.toBe(0);
      const fromB = await sh(
        engine,
        labB,
        "beta",
        `ping -c 1 -W 2 ${address(planA, node, network)}`,
      );
      expect(fromB.exitCode).not.toBe(0);
    }
    // The same probe inside one lab succeeds: the failures above are isolation, not a broken probe.
    expect(
      (await sh(engine, labA, "beta", `ping -c 1 -W 2 ${address(planA, "gamma", "back")}`))
        .exitCode,
    ).toBe(0);
  });
});

describe("a lab's routed and spoofed traffic while the engine makes other networks", () => {
  // Docker's isolation rules drop a bridged packet whose addresses lie outside the bridge's
  // subnet, and Docker moves FORWARD's jump to DOCKER-USER whenever it makes a network: the
  // bridge's accept must come before Docker's rules in the isolation chain itself.
  const firstRuleNaming = async (bridge: string) => {
    const chain = "DOCKER-ISOLATION-STAGE-1";
    const result = await execCapture(engine, GUARD_CONTAINER, ["iptables", "-w", "-S", chain]);
    return result.stdout.split("\n").find((line) => `${line} `.includes(` ${bridge} `));
  };

  it("is accepted above Docker's isolation rules of its bridges, whatever network comes after", async () => {
    // Not a lab's: a network the engine makes for anyone else, on a subnet outside the labs' pool.
    const other = uniqueLabId("it-iso-other");
    await engine.networks.create({
      Name: other,
      Internal: true,
      Subnet: "172.31.254.0/24",
      Gateway: "172.31.254.1",
      Options: {},
      Labels: {},
    });
    try {
      // Both labs came up at once (beforeAll): each one's rules went in while the engine made
      // the other's networks.
      for (const { bridgeName } of [...planA.networks, ...planB.networks]) {
        expect(await firstRuleNaming(bridgeName)).toBe(
          `-A DOCKER-ISOLATION-STAGE-1 -i ${bridgeName} -o ${bridgeName} -j ACCEPT`,
        );
      }
    } finally {
      await engine.networks.remove(other);
    }
  });
});

describe("the host's own services", () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.end("host service\n"));
    await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const probe = (gateway: string) =>
    sh(engine, labA, "alpha", `nc -w 2 ${gateway} ${port} </dev/null`);

  it("are out of a lab node's reach, though the bridge's gateway is the host", async () => {
    const front = planA.networks.find((n) => n.name === "front");
    const result = await probe(front?.gateway as string);
    expect(result.stdout).not.toContain("host service");
    expect(result.exitCode).not.toBe(0);
  });

  it("would be in reach without the host guard's rules and its catch-all (the probe can tell)", async () => {
    const front = planA.networks.find((n) => n.name === "front");
    if (!front) throw new Error("no front network");
    await unguardBridges(engine, [front.bridgeName]);
    try {
      // Without the lab's own rules the guard's catch-all for every lab bridge still holds
      // (fail-closed); without it too, the host's service answers.
      expect((await probe(front.gateway)).stdout).not.toContain("host service");
      const catchAll = ["INPUT", "-i", "sl+", "-j", "DROP"];
      await execCapture(engine, GUARD_CONTAINER, ["iptables", "-w", "-D", ...catchAll]);
      const result = await probe(front.gateway);
      expect(result.stdout).toContain("host service");
    } finally {
      await guardBridges(engine, [front]); // puts the catch-all back too
    }
    expect((await probe(front.gateway)).stdout).not.toContain("host service");
  });
});
