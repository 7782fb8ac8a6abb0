// The probe's definition: no node of the lab, addresses from the top of each subnet below every
// node's, names of the lab's nodes at addresses it can reach.
import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import { PROBE_IMAGE, PROBE_LABEL, planProbe } from "../../src/plan/probe.ts";
import { LABELS, type LabPlan } from "../../src/plan/types.ts";
import { network, node, request, topology } from "./helpers.ts";

function lab(): LabPlan {
  const result = planLab(
    topology(
      [network("lan", "10.0.0.0/24"), network("wan", "10.0.1.0/29")],
      [
        node("client", { lan: 10 }),
        node("router", { lan: 254, wan: 6 }),
        node("server", { wan: 2 }),
      ],
    ),
    request({ lab: "alice-demo", pool: ["10.200.0.0/16"] }),
  );
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

describe("planProbe", () => {
  it("joins the named networks at the highest address no node has, and names every node", () => {
    const plan = lab();
    const probe = planProbe(plan, ["wan", "lan"], "ab12");
    const [wan, lan] = plan.networks.map((n) => n.subnet.replace(/0\/\d+$/, "")).reverse();
    expect(probe.containerName).toBe("sl_alice-demo_probe-ab12");
    expect(probe.image).toBe(PROBE_IMAGE);
    expect(probe.endpoints).toEqual([
      { network: "wan", dockerNetwork: "sl_alice-demo_wan", address: `${wan}5` },
      { network: "lan", dockerNetwork: "sl_alice-demo_lan", address: `${lan}253` },
    ]);
    // The router by its wan address: the probe's first network.
    expect(probe.extraHosts).toEqual([`client:${lan}10`, `router:${wan}6`, `server:${wan}2`]);
  });

  it("is no node of the lab: it carries its own label and none of a lab's", () => {
    const probe = planProbe(lab(), ["lan"], "x");
    expect(probe.labels).toEqual({ [LABELS.managed]: "1", [PROBE_LABEL]: "alice-demo" });
    expect(probe.labels[LABELS.lab]).toBeUndefined();
    expect(probe.labels[LABELS.node]).toBeUndefined();
  });

  it("moves down one free address per attempt, and says when a subnet is full", () => {
    const plan = lab();
    const wan = (attempt: number) => planProbe(plan, ["wan"], "x", attempt).endpoints[0]?.address;
    expect([0, 1, 2].map(wan).map((a) => a?.split(".")[3])).toEqual(["5", "4", "3"]);
    expect(() => wan(3)).toThrow("network 'wan' has no free address for a probe");
    expect(() => planProbe(plan, ["dmz"], "x")).toThrow("lab alice-demo has no network 'dmz'");
  });
});
