// Per-node settings as the node itself sees them, hub mode on sniffable networks, and `up`
// converging a changed topology: only what changed is recreated.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../orchestrator/src/runtime/exec.ts";
import { GUARD_CONTAINER } from "../../orchestrator/src/runtime/host-guard.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import type { Topology } from "../../orchestrator/src/topology/model.ts";
import { docker, fixture, sh, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
let topology: Topology;
let plan: LabPlan;
const lab = uniqueLabId("it-settings");

beforeAll(async () => {
  engine = await testEngine();
  topology = await fixture("node-settings.yaml");
  plan = (await upLab(engine, topology, { lab, owner: "carol" })).plan;
});

afterAll(async () => {
  await downLab(engine, lab);
});

describe("a node's settings", () => {
  it("reach the node: environment, sysctls, capabilities", async () => {
    const result = await sh(
      engine,
      lab,
      "tuned",
      'echo "$GREETING $ANSWER"; cat /proc/sys/net/ipv4/ip_forward; ip link set dev eth0 mtu 1400 && echo mtu-set',
    );
    expect(result.stdout).toBe("hello 42\n1\nmtu-set\n");
    // The same command without NET_ADMIN is refused: the capability above is what allowed it.
    const plain = await sh(engine, lab, "plain", "ip link set dev eth0 mtu 1400");
    expect(plain.exitCode).not.toBe(0);
    expect(plain.stderr).toContain("Operation not permitted");
  });

  it("limit memory, CPU and processes", async () => {
    const tuned = (await labInventory(engine, lab)).containers.find((c) => c.name === "tuned");
    const { HostConfig } = await docker.getContainer(tuned?.id as string).inspect();
    expect(HostConfig).toMatchObject({
      Memory: 64 * 1024 * 1024,
      NanoCpus: 250_000_000,
      PidsLimit: 64,
    });
    // A fork beyond the pids limit fails inside the node.
    const forks = await sh(
      engine,
      lab,
      "tuned",
      "for i in $(seq 100); do sleep 5 & done 2>&1; wait",
    );
    expect(forks.stdout + forks.stderr).toMatch(/fork|Resource temporarily unavailable/i);
  });

  it("give an automatic address when the topology leaves it open", () => {
    const tuned = plan.nodes.find((n) => n.name === "tuned");
    expect(tuned?.endpoints.find((e) => e.network === "plain")?.address).toMatch(/\.2$/);
  });
});

describe("a sniffable network", () => {
  const ageingTime = async (network: string) => {
    const bridge = plan.networks.find((n) => n.name === network)?.bridgeName as string;
    const result = await execCapture(engine, GUARD_CONTAINER, [
      "cat",
      `/sys/class/net/${bridge}/bridge/ageing_time`,
    ]);
    return Number(result.stdout.trim());
  };

  it("floods like a hub (bridge ageing time 0); a plain one learns", async () => {
    expect(await ageingTime("hub")).toBe(0);
    expect(await ageingTime("plain")).toBeGreaterThan(0);
  });

  it("shows a third node the unicast traffic between two others", async () => {
    const tuned = plan.nodes.find((n) => n.name === "tuned");
    const plainNode = plan.nodes.find((n) => n.name === "plain");
    const from = tuned?.endpoints.find((e) => e.network === "hub")?.address;
    const to = plainNode?.endpoints[0]?.address;
    await upLab(engine, withSniffer(topology), { lab, owner: "carol" });
    const capture = sh(
      engine,
      lab,
      "sniffer",
      `timeout 8 tcpdump -n -i eth0 -c 3 icmp and src ${from} and dst ${to} 2>/dev/null`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await sh(engine, lab, "tuned", `ping -c 5 -i 0.2 ${to}`);
    const result = await capture;
    expect(result.stdout.trim().split("\n")).toHaveLength(3);
  });
});

describe("up on a changed topology", () => {
  const containerId = async (name: string) =>
    (await labInventory(engine, lab)).containers.find((c) => c.name === name)?.id;

  it("recreates only the node whose definition changed", async () => {
    const [plainBefore, tunedBefore] = [await containerId("plain"), await containerId("tuned")];
    const changed = withSniffer({
      ...topology,
      nodes: topology.nodes.map((n) =>
        n.name === "tuned" ? { ...n, env: { ...n.env, GREETING: "changed" } } : n,
      ),
    });
    const { report } = await upLab(engine, changed, { lab, owner: "carol" });
    expect(report).toEqual({
      created: [],
      recreated: ["tuned"],
      started: [],
      unchanged: ["plain", "sniffer"],
      removed: [],
    });
    expect(await containerId("plain")).toBe(plainBefore);
    expect(await containerId("tuned")).not.toBe(tunedBefore);
    expect((await sh(engine, lab, "tuned", 'echo "$GREETING"')).stdout).toBe("changed\n");
  });

  it("removes a node the topology dropped", async () => {
    const { report } = await upLab(engine, topology, { lab, owner: "carol" });
    expect(report.removed).toEqual(["sniffer"]);
    expect(await containerId("sniffer")).toBeUndefined();
    // The others' /etc/hosts listed the sniffer, so they were rebuilt without it.
    expect((await sh(engine, lab, "plain", "grep -c sniffer /etc/hosts")).stdout.trim()).toBe("0");
  });
});

/** The topology with a third node on the hub network, a copy of `plain`. */
function withSniffer(base: Topology): Topology {
  const plainNode = base.nodes.find((n) => n.name === "plain") as Topology["nodes"][number];
  const sniffer = {
    ...plainNode,
    name: "sniffer",
    attachments: [{ network: "hub", hostIndex: 99 }],
  };
  return { ...base, nodes: [...base.nodes, sniffer] };
}
