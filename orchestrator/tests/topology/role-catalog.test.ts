// The loader checks nodes against the roles it is given, and only those: the topology layer
// knows no role of its own.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { topologyLoader } from "../../src/topology/load.ts";
import type { RoleCatalog } from "../../src/topology/role-catalog.ts";

const catalog: RoleCatalog = {
  roles: [
    { name: "plain", imageFolder: "plain", summary: "a plain node" },
    {
      name: "tuned",
      imageFolder: "tuned-image",
      summary: "a node with a level",
      config: z.strictObject({ level: z.number().int().min(1) }),
      check: (config, node) =>
        (config as { level: number }).level > 3
          ? [{ path: ["level"], message: `${node.name} is tuned too high` }]
          : [],
    },
  ],
  defaultRole: "plain",
  image: (role) => `test/${role.imageFolder}`,
};

const load = (nodes: string) =>
  topologyLoader(catalog).text(
    `name: lab\nnetworks:\n  lan: { subnet: 10.0.0.0/24 }\nnodes:\n${nodes}`,
    "lab.yaml",
    async () => ({ ok: false, reason: "no sources here" }),
  );

describe("a topology loaded with a given role catalog", () => {
  it("gives nodes the default role and each role's image", async () => {
    const result = await load(
      "  a:\n    networks: { lan: .2 }\n  b:\n    role: tuned\n    networks: { lan: .3 }\n    config: { level: 2 }\n",
    );
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    expect(result.topology.nodes.map((n) => [n.name, n.role, n.image, n.config])).toEqual([
      ["a", "plain", "test/plain", null],
      ["b", "tuned", "test/tuned-image", { level: 2 }],
    ]);
  });

  it("knows only the given roles, and runs their schemas and checks", async () => {
    const result = await load(
      "  a:\n    role: client\n    networks: { lan: .2 }\n  b:\n    role: tuned\n    networks: { lan: .3 }\n    config: { level: 5 }\n  c:\n    role: plain\n    networks: { lan: .4 }\n    config: { x: 1 }\n",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics.map((d) => `${d.field}: ${d.message}`)).toEqual([
      "nodes.a.role: unknown role 'client' (known roles: plain, tuned)",
      "nodes.b.config.level: b is tuned too high",
      "nodes.c.config: role 'plain' takes no config",
    ]);
  });
});
