// Start order: the nodes each node waits for (`after`). They must exist, and must not wait on each
// other in a circle, or no node of the circle could ever start.
import type { Report } from "./diagnostics.ts";

export interface WrittenAfter {
  node: string;
  /** As written; undefined when absent or malformed. */
  after: string[] | undefined;
}

/**
 * Each node's `after` as resolved: known nodes only, each once, in the order written. Reports
 * unknown names, a node waiting for itself, and every cycle with the names of the nodes in it.
 */
export function resolveOrder(
  written: WrittenAfter[],
  known: ReadonlySet<string>,
  report: Report,
): Map<string, string[]> {
  const resolved = new Map<string, string[]>();
  for (const { node, after = [] } of written) {
    const waitsFor: string[] = [];
    after.forEach((other, index) => {
      const path = ["nodes", node, "after", index];
      if (!known.has(other)) report(path, `unknown node '${other}'`);
      else if (other === node) report(path, "a node cannot wait for itself");
      else if (!waitsFor.includes(other)) waitsFor.push(other);
    });
    resolved.set(node, waitsFor);
  }

  for (const cycle of findCycles(resolved)) {
    const [first = "", second = ""] = cycle;
    const index = written.find((w) => w.node === first)?.after?.indexOf(second) ?? 0;
    const names = [...cycle, first].join(" -> ");
    report(["nodes", first, "after", index], `nodes wait for each other in a cycle: ${names}`);
  }
  return resolved;
}

/** Each cycle once, as the nodes in it in waiting order, starting from the first one written. */
function findCycles(waitsFor: Map<string, string[]>): string[][] {
  // Kahn's algorithm: start each node once all it waits for have started. The nodes that never
  // start wait, directly or not, on a cycle.
  const stuck = new Map<string, number>();
  const waitedOnBy = new Map<string, string[]>();
  for (const [node, others] of waitsFor) {
    stuck.set(node, others.length);
    for (const other of others) {
      const waiters = waitedOnBy.get(other) ?? [];
      waiters.push(node);
      waitedOnBy.set(other, waiters);
    }
  }
  const startable = [...stuck].filter(([, count]) => count === 0).map(([node]) => node);
  for (let node = startable.pop(); node !== undefined; node = startable.pop()) {
    stuck.delete(node);
    for (const waiter of waitedOnBy.get(node) ?? []) {
      const count = (stuck.get(waiter) ?? 0) - 1;
      stuck.set(waiter, count);
      if (count === 0) startable.push(waiter);
    }
  }

  // Each stuck node waits for a stuck node, so following those leads into a cycle; a walk that
  // runs into an earlier walk's nodes found nothing new.
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of stuck.keys()) {
    const walk: string[] = [];
    let node: string | undefined = start;
    while (node !== undefined && !seen.has(node)) {
      seen.add(node);
      walk.push(node);
      node = waitsFor.get(node)?.find((other) => stuck.has(other));
    }
    if (node !== undefined && walk.includes(node)) cycles.push(walk.slice(walk.indexOf(node)));
  }
  return cycles;
}
