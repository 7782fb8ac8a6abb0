import { describe, expect, it } from "vitest";
import { load, problems, yaml } from "./helpers.ts";

// A client on a, a server on b, a router on both, and a loner on c that shares nothing. The
// client's routes (flow mappings) are on lines 12 and below.
function lab(routes: string[]): string {
  const head = yaml`
    name: lab
    networks:
      a: { subnet: 10.1.0.0/24 }
      b: { subnet: 10.2.0.0/24 }
      c: { subnet: 10.3.0.0/24 }
    nodes:
      router: { networks: { a: .254, b: .254 } }
      loner: { networks: { c: .5 } }
      client:
        networks: { a: .10 }
        routes:
  `;
  return `${head.trimEnd()}\n${routes.map((route) => `      - ${route}`).join("\n")}\n`;
}

describe("routes", () => {
  it("resolve a network name to the network and keep a fixed subnet, in the order written", async () => {
    const result = await load(
      lab([
        "{ to: b, via: router }",
        "{ to: 0.0.0.0/0, via: router }",
        "{ to: 192.168.4.0/22, via: router }",
      ]),
    );
    expect(result.ok && result.topology.nodes.find((n) => n.name === "client")?.routes).toEqual([
      { to: { network: "b" }, via: "router" },
      { to: { subnet: { base: 0, prefix: 0 } }, via: "router" },
      { to: { subnet: { base: 0xc0a80400, prefix: 22 } }, via: "router" },
    ]);
  });

  it("are empty on a node that has none", async () => {
    const result = await load(lab(["{ to: b, via: router }"]));
    expect(result.ok && result.topology.nodes.find((n) => n.name === "router")?.routes).toEqual([]);
  });

  it("refuse unknown networks and nodes, a node's own network, and itself as via", async () => {
    expect(
      await problems(
        lab(["{ to: nowhere, via: router }", "{ to: a, via: ghost }", "{ to: b, via: client }"]),
      ),
    ).toEqual([
      "lab.yaml:12:15: nodes.client.routes[0].to: unknown network 'nowhere' (networks: a, b, c); or give a subnet like 10.0.0.0/24",
      "lab.yaml:13:15: nodes.client.routes[1].to: node client is on network 'a' itself: it reaches it directly",
      "lab.yaml:13:23: nodes.client.routes[1].via: unknown node 'ghost'",
      "lab.yaml:14:23: nodes.client.routes[2].via: a node cannot route through itself",
    ]);
  });

  it("refuse a via node that shares no network with the node, naming both sides", async () => {
    expect(await problems(lab(["{ to: c, via: loner }"]))).toEqual([
      "lab.yaml:12:23: nodes.client.routes[0].via: node 'loner' shares no network with 'client' (client is on a; loner is on c)",
    ]);
  });

  it("refuse malformed subnets and subnets of the lab's own networks, pointing at the name", async () => {
    expect(
      await problems(
        lab([
          "{ to: 10.9.0.1/16, via: router }",
          "{ to: 10.2.0.0/24, via: router }",
          "{ to: 10.2.0.128/25, via: router }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:12:15: nodes.client.routes[0].to: '10.9.0.1/16' has host bits set; did you mean 10.9.0.0/16?",
      "lab.yaml:13:15: nodes.client.routes[1].to: 10.2.0.0/24 lies in network 'b' (10.2.0.0/24), whose subnet differs in every lab instance: write 'to: b'",
      "lab.yaml:14:15: nodes.client.routes[2].to: 10.2.0.128/25 lies in network 'b' (10.2.0.0/24), whose subnet differs in every lab instance: write 'to: b'",
    ]);
  });

  it("refuse a second route to the same destination", async () => {
    expect(await problems(lab(["{ to: b, via: router }", "{ to: b, via: router }"]))).toEqual([
      "lab.yaml:13:15: nodes.client.routes[1].to: a second route to b: a node has one route to a destination",
    ]);
  });

  it("check their shape: both fields, a node name for via, nothing else", async () => {
    expect(await problems(lab(["{ to: b }", "{ to: b, via: Router, metric: 5 }"]))).toEqual([
      "lab.yaml:12:9: nodes.client.routes[0].via: required",
      "lab.yaml:13:23: nodes.client.routes[1].via: node name must start with a lowercase letter and hold only a-z, 0-9 and '-' (30 at most)",
      "lab.yaml:13:31: nodes.client.routes[1].metric: unknown field 'metric'",
    ]);
  });
});
