// Shared by the library labs' tests: a library topology, assertions over a lab's checks, reference
// solutions' files, and a shell command on a node that must succeed.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import { runChecks } from "../../../orchestrator/src/labs/checks.ts";
import { TOPOLOGIES_DIR } from "../../../orchestrator/src/paths.ts";
import { loadTopologyFile } from "../../../orchestrator/src/roles/load.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import type { Topology } from "../../../orchestrator/src/topology/model.ts";
import { sh } from "../engine.ts";

export async function libraryTopology(name: string): Promise<Topology> {
  const loaded = await loadTopologyFile(join(TOPOLOGIES_DIR, name, "topology.yaml"));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.topology;
}

/** Every check of the lab (`ids`, in order) passes, or every one fails; outputs on a mismatch. */
export async function expectChecks(engine: Engine, lab: string, ids: string[], passed: boolean) {
  await expectPassing(engine, lab, ids, passed ? ids : []);
}

/** Of the lab's checks (`ids`, in order), those in `passing` pass and the others fail. */
export async function expectPassing(engine: Engine, lab: string, ids: string[], passing: string[]) {
  const results = await runChecks(engine, lab);
  expect(
    results.map((r) => [r.id, r.passed]),
    JSON.stringify(results, null, 2),
  ).toEqual(ids.map((id) => [id, passing.includes(id)]));
}

/** A file of a lab's reference solution, kept in solutions/<lab>/ (never in the handout). */
export function solutionFile(lab: string, file: string): Promise<string> {
  return readFile(join(import.meta.dirname, "solutions", lab, file), "utf8");
}

/** Runs a shell script on a lab node and returns its trimmed output; a failure fails the test. */
export async function shOk(engine: Engine, lab: string, node: string, script: string) {
  const result = await sh(engine, lab, node, script);
  expect(result.exitCode, `${node}: ${script}\n${result.stdout}`).toBe(0);
  return result.stdout.trim();
}
