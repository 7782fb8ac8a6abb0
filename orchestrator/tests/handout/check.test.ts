import { mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { handoutProblems } from "../../src/handout/check.ts";
import { MAX_HANDOUT_BYTES, readHandout } from "../../src/handout/read.ts";
import { loadTopologyFile } from "../../src/roles/load.ts";
import { formatDiagnostic } from "../../src/topology/diagnostics.ts";
import type { Topology } from "../../src/topology/model.ts";

const YAML = `name: lab
networks: { lan: { subnet: 10.9.0.0/24 } }
nodes:
  attacker: { networks: { lan: .66 } }
checks:
  - { id: done, task: it is done, node: attacker, command: "true" }
`;

let folder = "";
let topology: Topology;
const file = () => join(folder, "topology.yaml");

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "sl-handout-"));
  await writeFile(file(), YAML);
  const loaded = await loadTopologyFile(file());
  if (!loaded.ok) throw new Error("fixture does not load");
  topology = loaded.topology;
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("handoutProblems", () => {
  it("reports a link to a node or check the topology lacks, at its line and column", async () => {
    await writeFile(
      join(folder, "README.md"),
      "# Lab\n\nOpen [the attacker](node:atacker).\n[Check](check:done) [x](check:dnoe)\n",
    );
    expect((await handoutProblems(file(), topology)).map(formatDiagnostic)).toEqual([
      `${folder}/README.md:3:6: node:: no node 'atacker' in topology lab (nodes: attacker)`,
      `${folder}/README.md:4:21: check:: no check 'dnoe' in topology lab (checks: done)`,
    ]);
  });

  it("finds nothing in a sound handout, or where there is none", async () => {
    expect(await handoutProblems(file(), topology)).toEqual([]);
    await writeFile(join(folder, "README.md"), "[a](node:attacker) [c](check:) [d](check:done)");
    expect(await handoutProblems(file(), topology)).toEqual([]);
  });

  it("reports a handout too large to serve", async () => {
    await writeFile(join(folder, "README.md"), "x".repeat(MAX_HANDOUT_BYTES + 1));
    const [problem] = await handoutProblems(file(), topology);
    expect(problem).toMatchObject({ file: join(folder, "README.md"), line: 1, col: 1 });
    expect(problem?.message).toMatch(/is larger than/);
  });

  it("refuses a handout that links out of its folder, and serves none of it", async () => {
    const secret = join(tmpdir(), `sl-secret-${Date.now()}`);
    await writeFile(secret, "the service's token\n");
    try {
      await symlink(secret, join(folder, "README.md"));
      const read = await readHandout(folder);
      expect(read.ok).toBe(false);
      expect(JSON.stringify(read)).not.toContain("token");
      expect(read).toMatchObject({
        reason: expect.stringMatching(/outside the topology's folder/),
      });
      const [problem] = await handoutProblems(file(), topology);
      expect(problem?.message).toMatch(/outside the topology's folder/);
    } finally {
      await rm(secret, { force: true });
    }
  });
});
