// The order in which a lab's nodes start: each as soon as the nodes it names in `after` are
// ready, independent nodes at once, rather than wave after wave (a wave waits for its slowest
// node). No I/O: converge.ts gives it the work of each node.

export interface OrderedNode {
  name: string;
  after: readonly string[];
}

/**
 * Runs `step` for each node once the steps of every node it names in `after` have succeeded;
 * returns each node's outcome by name. A node whose prerequisite failed never runs: its outcome
 * is that failure. `nodes` must list every node after those it names (the plan's start waves,
 * flattened, do); otherwise it throws before running anything.
 */
export function inAfterOrder<N extends OrderedNode>(
  nodes: readonly N[],
  step: (node: N) => Promise<void>,
): Map<string, Promise<void>> {
  const seen = new Set<string>();
  for (const node of nodes) {
    const early = node.after.find((name) => !seen.has(name));
    if (early !== undefined) {
      throw new Error(`node ${node.name} starts after ${early}, which is not listed before it`);
    }
    seen.add(node.name);
  }
  const outcomes = new Map<string, Promise<void>>();
  for (const node of nodes) {
    const prerequisites = node.after.map((name) => outcomes.get(name) as Promise<void>);
    outcomes.set(
      node.name,
      Promise.all(prerequisites).then(() => step(node)),
    );
  }
  return outcomes;
}
