// Every lab of the library (topologies/) loads, plans and comes with its handout, so a broken lab
// is caught here in a second rather than by an instructor on Monday morning.
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { subnetPool } from "../../src/config.ts";
import { TOPOLOGIES_DIR } from "../../src/paths.ts";
import { planLab } from "../../src/plan/plan.ts";
import { labValues } from "../../src/plan/values.ts";
import { loadTopologyFile } from "../../src/roles/load.ts";

/** Folders that show the platform rather than teach a course module: they need no checks. */
const SHOWCASES = new Set(["demo", "services"]);

const labs = readdirSync(TOPOLOGIES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("the lab library", () => {
  it("has the labs of the course's modules", () => {
    expect(labs.length).toBeGreaterThanOrEqual(4);
  });

  describe.each(labs)("%s", (name) => {
    const folder = join(TOPOLOGIES_DIR, name);

    it("loads without a diagnostic, under its folder's name", async () => {
      const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
      expect(loaded.ok ? [] : loaded.diagnostics).toEqual([]);
      if (loaded.ok) expect(loaded.topology.name).toBe(name);
    });

    it("plans an instance from the default subnet pool", async () => {
      const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
      if (!loaded.ok) throw new Error(`${name} does not load`);
      const planned = planLab(loaded.topology, {
        lab: `x-${name}`.slice(0, 40),
        owner: "student",
        pool: subnetPool({}),
        taken: [],
        existing: {},
        values: labValues(loaded.topology.values, {}, randomBytes),
      });
      expect(planned.ok ? "" : planned.error).toBe("");
    });

    it("has a handout that names every node", async () => {
      const handout = readFileSync(join(folder, "README.md"), "utf8");
      const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
      if (!loaded.ok) throw new Error(`${name} does not load`);
      const unnamed = loaded.topology.nodes
        .map((node) => node.name)
        .filter((node) => !new RegExp(`\\b${node}\\b`).test(handout));
      expect(unnamed).toEqual([]);
    });

    it.skipIf(SHOWCASES.has(name))("declares checks for its tasks", async () => {
      const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
      if (!loaded.ok) throw new Error(`${name} does not load`);
      expect(loaded.topology.checks.length).toBeGreaterThan(0);
    });
  });
});
