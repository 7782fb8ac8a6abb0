import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan } from "../../src/plan/types.ts";
import type { Topology } from "../../src/topology/model.ts";
import { cidr, network, node, request, topology } from "./helpers.ts";

function plan(topo: Topology): LabPlan {
  const result = planLab(topo, request({ pool: ["10.200.0.0/16"] }));
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const nodeOf = (lab: LabPlan, name: string) => lab.nodes.find((n) => n.name === name);

// a and b get 10.200.0.0/24 and 10.200.1.0/24 from the pool, c 10.200.2.0/24.
const lab = topology(
  [network("a", "192.168.1.0/24"), network("b", "192.168.2.0/24"), network("c", "192.168.3.0/24")],
  [
    node("router", { b: 254, a: 254 }),
    node(
      "client",
      { a: 10 },
      {
        start: ["python3 -m http.server &"],
        routes: [
          { to: { network: "b" }, via: "router" },
          { to: { subnet: cidr("0.0.0.0/0") }, via: "router" },
        ],
      },
    ),
    node(
      "server",
      { c: 7, b: 20 },
      { capabilities: ["NET_ADMIN"], routes: [{ to: { network: "a" }, via: "router" }] },
    ),
  ],
);

describe("routes in the plan", () => {
  it("come first in the start commands, to instance subnets, via the router on the shared network", () => {
    const planned = plan(lab);
    expect(planned.networks.map((n) => n.subnet)).toEqual([
      "10.200.0.0/24",
      "10.200.1.0/24",
      "10.200.2.0/24",
    ]);
    expect(nodeOf(planned, "client")?.start).toEqual([
      "ip route replace 10.200.1.0/24 via 10.200.0.254",
      "ip route replace 0.0.0.0/0 via 10.200.0.254",
      "python3 -m http.server &",
    ]);
    expect(nodeOf(planned, "server")?.start).toEqual([
      "ip route replace 10.200.0.0/24 via 10.200.1.254",
    ]);
  });

  it("give the node NET_ADMIN, once", () => {
    const planned = plan(lab);
    expect(nodeOf(planned, "client")?.capabilities).toEqual(["NET_ADMIN"]);
    expect(nodeOf(planned, "server")?.capabilities).toEqual(["NET_ADMIN"]);
  });

  it("leave a node without routes as it was", () => {
    const planned = plan(lab);
    expect(nodeOf(planned, "router")).toMatchObject({ start: [], capabilities: [] });
  });

  it("go before the start commands the node's role adds", () => {
    // A router on c only, reaching a through the server, its neighbour on c.
    const withRouter = {
      ...lab,
      nodes: [
        ...lab.nodes,
        node(
          "edge",
          { c: 2 },
          {
            role: "router",
            config: { impair: {} },
            routes: [{ to: { network: "a" }, via: "server" }],
          },
        ),
      ],
    };
    expect(nodeOf(plan(withRouter), "edge")?.start).toEqual([
      "ip route replace 10.200.0.0/24 via 10.200.2.7",
      "/etc/socketlab/router.sh",
    ]);
  });
});
