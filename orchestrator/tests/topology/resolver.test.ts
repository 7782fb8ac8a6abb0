// `resolver:` on a node and in defaults: a node of the lab or an IPv4 address, checked in place.
import { describe, expect, it } from "vitest";
import { load, problems, yaml } from "./helpers.ts";

async function resolvers(text: string): Promise<Record<string, string | null>> {
  const result = await load(text);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return Object.fromEntries(result.topology.nodes.map((n) => [n.name, n.resolver]));
}

describe("resolver", () => {
  it("is none unless given", async () => {
    expect(
      await resolvers(yaml`
        name: lab
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          a: { networks: { lan: .2 } }
      `),
    ).toEqual({ a: null });
  });

  it("takes a node's own, else the default; an empty one keeps Docker's", async () => {
    expect(
      await resolvers(yaml`
        name: lab
        defaults: { resolver: dns }
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          dns: { networks: { lan: .53 } }
          a: { networks: { lan: .2 } }
          b: { networks: { lan: .3 }, resolver: 192.0.2.53 }
          c: { networks: { lan: .4 }, resolver: ~ }
          d: { networks: { lan: .5 }, resolver: a }
      `),
    ).toEqual({ dns: "dns", a: "dns", b: "192.0.2.53", c: null, d: "a" });
  });

  it("refuses what is neither a node nor an IPv4 address, where it was written", async () => {
    expect(
      await problems(yaml`
        name: lab
        defaults: { resolver: ghost }
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          a: { networks: { lan: .2 }, resolver: 10.0.0.256 }
          b: { networks: { lan: .3 }, resolver: "" }
          c: { networks: { lan: .4 }, resolver: [a] }
          d: { networks: { lan: .5 } }
      `),
    ).toEqual([
      "lab.yaml:2:23: defaults.resolver: resolver 'ghost' is neither a node of this topology nor an IPv4 address",
      "lab.yaml:5:41: nodes.a.resolver: resolver '10.0.0.256' is neither a node of this topology nor an IPv4 address",
      "lab.yaml:6:41: nodes.b.resolver: must not be empty",
      "lab.yaml:7:31: nodes.c.resolver: expected text or an empty value, found a list",
    ]);
  });
});
