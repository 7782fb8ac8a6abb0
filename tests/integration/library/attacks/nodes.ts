// What the DNS attack tests do on lab nodes: put the reference attack scripts (this folder, never
// a handout) on a node, read an address from the lab's plan, and read a resolver's cache.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LabPlan } from "../../../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../../../orchestrator/src/runtime/engine.ts";
import { filesArchive } from "../../../../orchestrator/src/runtime/files.ts";
import { docker, nodeContainerId, sh } from "../../engine.ts";

const ATTACKS_DIR = import.meta.dirname;

/** Copies attack scripts of this folder into /root of a running node (the runtime's tar form). */
export async function copyAttacks(engine: Engine, lab: string, node: string, scripts: string[]) {
  const files = await Promise.all(
    scripts.map(async (script) => ({
      path: `/root/${script}`,
      contentBase64: (await readFile(join(ATTACKS_DIR, script))).toString("base64"),
      mode: 0o755,
    })),
  );
  const container = await nodeContainerId(engine, lab, node);
  await docker.getContainer(container).putArchive(await filesArchive(files), { path: "/" });
}

export function addressOf(plan: LabPlan, node: string, network: string): string {
  const endpoints = plan.nodes.find((n) => n.name === node)?.endpoints ?? [];
  const address = endpoints.find((e) => e.network === network)?.address;
  if (address === undefined) throw new Error(`${node} has no address on ${network}`);
  return address;
}

/** Runs a shell command on a node; it must succeed (its output otherwise in the error). */
export async function run(engine: Engine, lab: string, node: string, script: string) {
  const result = await sh(engine, lab, node, script);
  if (result.exitCode !== 0) {
    throw new Error(`${lab}/${node}: '${script}' exited ${result.exitCode}: ${result.stderr}`);
  }
  return result.stdout;
}

/** The resolver's cache as `rndc dumpdb -cache` writes it, once the dump is complete. */
export function cacheDump(engine: Engine, lab: string, resolver = "resolver"): Promise<string> {
  const file = "/var/cache/bind/named_dump.db";
  return run(
    engine,
    lab,
    resolver,
    `rm -f ${file} && rndc dumpdb -cache && for i in $(seq 100); do grep -q '^; Dump complete' ${file} 2>/dev/null && break; sleep 0.1; done; cat ${file}`,
  );
}
