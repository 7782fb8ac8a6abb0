// A node's resolver in its plan: /etc/resolv.conf written by its first start command, and the
// upstream of Docker's embedded resolver, never the engine host's.
import { describe, expect, it } from "vitest";
import { nodeHash } from "../../src/plan/labels.ts";
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan, NodePlan } from "../../src/plan/types.ts";
import type { Topology } from "../../src/topology/model.ts";
import { network, node, request, topology } from "./helpers.ts";

function plan(topo: Topology): LabPlan {
  const result = planLab(topo, request());
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

function startOf(lab: LabPlan, name: string): string[] | undefined {
  return lab.nodes.find((n) => n.name === name)?.start;
}

function dnsOf(lab: LabPlan, name: string): string[] | undefined {
  return lab.nodes.find((n) => n.name === name)?.dns;
}

const write = (address: string) => `printf 'nameserver %s\\n' ${address} > /etc/resolv.conf`;

// lan is 10.200.0.0/24, dmz 10.200.1.0/24, far 10.200.2.0/24 in this instance.
const networks = [
  network("lan", "192.168.1.0/24"),
  network("dmz", "172.16.0.0/24"),
  network("far", "172.17.0.0/24"),
];

describe("a node's resolver", () => {
  it("is written first, at the resolver's address on the first network they share", () => {
    const lab = plan(
      topology(networks, [
        node("dns", { dmz: 53, lan: 53 }),
        node("client", { far: 10, lan: 10, dmz: 10 }, { resolver: "dns", start: ["echo hi"] }),
      ]),
    );
    // client's own order: far (not shared), then lan.
    expect(startOf(lab, "client")).toEqual([write("10.200.0.53"), "echo hi"]);
    expect(lab.nodes.find((n) => n.name === "client")?.command[2]).toContain(
      `set -e\n${write("10.200.0.53")}\necho hi\n`,
    );
  });

  it("is the resolver's first address when they share no network, or a literal address", () => {
    const lab = plan(
      topology(networks, [
        node("dns", { dmz: 53, lan: 53 }),
        node("far", { far: 10 }, { resolver: "dns" }),
        node("fixed", { far: 11 }, { resolver: "192.0.2.53" }),
      ]),
    );
    expect(startOf(lab, "far")).toEqual([write("10.200.1.53")]);
    expect(startOf(lab, "fixed")).toEqual([write("192.0.2.53")]);
    expect(dnsOf(lab, "far")).toEqual(["10.200.1.53"]);
    expect(dnsOf(lab, "fixed")).toEqual(["192.0.2.53"]);
  });

  it("is the embedded resolver's upstream: the lab's resolver, else the node's own loopback", () => {
    const lab = plan(
      topology(networks, [
        node("dns", { dmz: 53, lan: 53 }),
        node("client", { far: 10, lan: 10 }, { resolver: "dns" }),
        node("alone", { lan: 11 }),
      ]),
    );
    expect(dnsOf(lab, "client")).toEqual(["10.200.0.53"]);
    // Nothing is forwarded out of the node: not even the resolver's own upstream is the host's.
    expect(dnsOf(lab, "alone")).toEqual(["127.0.0.1"]);
    expect(dnsOf(lab, "dns")).toEqual(["127.0.0.1"]);
  });

  it("is part of the node's hash, so that a node made without it is shown outdated", () => {
    const client = plan(
      topology(networks, [node("dns", { lan: 53 }), node("client", { lan: 10 })]),
    ).nodes.find((n) => n.name === "client") as NodePlan;
    const { labels: _labels, hash, ...spec } = client;
    expect(nodeHash(spec)).toBe(hash);
    expect(nodeHash({ ...spec, dns: ["10.200.0.53"] })).not.toBe(hash);
  });

  it("changes nothing for a node without one", () => {
    const nodes = [node("dns", { lan: 53 }), node("client", { lan: 10 }, { start: ["echo hi"] })];
    expect(startOf(plan(topology(networks, nodes)), "client")).toEqual(["echo hi"]);
  });
});
