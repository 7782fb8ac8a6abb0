// `user:` on a node and in defaults: the account browser terminals log in as.
import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import { load, problems, yaml } from "./helpers.ts";

async function users(text: string): Promise<Record<string, string | undefined>> {
  const result = await load(text);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return Object.fromEntries(result.topology.nodes.map((n) => [n.name, n.user]));
}

describe("user", () => {
  it("is student unless given; a node's own wins over the default; root is allowed", async () => {
    expect(
      await users(yaml`
        name: lab
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          a: { networks: { lan: .2 } }
      `),
    ).toEqual({ a: "student" });
    expect(
      await users(yaml`
        name: lab
        defaults: { user: alice }
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          a: { networks: { lan: .2 } }
          b: { networks: { lan: .3 }, user: root }
      `),
    ).toEqual({ a: "alice", b: "root" });
  });

  it("refuses what is not a user name, where it is written", async () => {
    expect(
      await problems(yaml`
        name: lab
        defaults: { user: "Bob" }
        networks: { lan: { subnet: 10.0.0.0/24 } }
        nodes:
          a: { networks: { lan: .2 }, user: "x; rm -rf /" }
      `),
    ).toEqual([
      "lab.yaml:2:19: defaults.user: a user name holds a-z, 0-9, '_' and '-' (32 at most), such as student or root",
      "lab.yaml:5:37: nodes.a.user: a user name holds a-z, 0-9, '_' and '-' (32 at most), such as student or root",
    ]);
  });

  it("is kept in the plan, and changing it recreates no container (not in the node's hash)", async () => {
    const plans = [];
    for (const user of ["student", "root"]) {
      const result = await load(
        `name: lab\nnetworks: { lan: { subnet: 10.0.0.0/24 } }\nnodes:\n  a: { networks: { lan: .2 }, user: ${user} }\n`,
      );
      if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
      const planned = planLab(result.topology, {
        lab: "l",
        owner: "o",
        pool: ["10.200.0.0/16"],
        taken: [],
        existing: {},
      });
      if (!planned.ok) throw new Error(planned.error);
      plans.push(planned.plan);
    }
    expect(plans.map((p) => p.nodes[0]?.user)).toEqual(["student", "root"]);
    expect(plans[0]?.nodes[0]?.hash).toBe(plans[1]?.nodes[0]?.hash);
  });
});
