// Start order: nodes grouped in waves, each wave depending only on earlier ones, so the runtime
// can start a wave's nodes together and wait for them to be ready before the next.
import type { NodeDef } from "../topology/model.ts";

/**
 * Topological levels of the `after` graph: a node's wave is one past the latest wave of the
 * nodes it waits for. Within a wave, nodes keep topology order. The loader rejects cycles and
 * unknown names, so meeting one here is a programmer error and throws.
 */
export function startWaves(nodes: readonly NodeDef[]): string[][] {
  const names = new Set(nodes.map((node) => node.name));
  for (const node of nodes) {
    const unknown = node.after.find((name) => !names.has(name));
    if (unknown !== undefined) {
      throw new Error(`node '${node.name}' waits for unknown node '${unknown}'`);
    }
  }
  const started = new Set<string>();
  let waiting = [...nodes];
  const waves: string[][] = [];
  while (waiting.length > 0) {
    // Test against `started` as it was before this wave, so a wave never holds a dependency.
    const wave = waiting.filter((node) => node.after.every((name) => started.has(name)));
    if (wave.length === 0) {
      const stuck = waiting.map((node) => node.name).join(", ");
      throw new Error(`start dependencies form a cycle among: ${stuck}`);
    }
    for (const node of wave) started.add(node.name);
    waiting = waiting.filter((node) => !started.has(node.name));
    waves.push(wave.map((node) => node.name));
  }
  return waves;
}
