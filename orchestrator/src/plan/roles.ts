// Role contributions: each node's own role, and every other node's role (a CA's trust, say), add
// files, start commands and more to a node. The node's own settings win where both say something.
import { findRole } from "../roles/index.ts";
import type { Contribution, InstanceView, Role } from "../roles/types.ts";
import type { FileDef, NodeDef } from "../topology/model.ts";

/** The nodes with every role contribution merged in, in topology order. */
export function applyRoles(
  nodes: readonly NodeDef[],
  instance: InstanceView,
  roleNamed: (name: string) => Role | undefined = findRole,
): NodeDef[] {
  return nodes.map((node) => {
    const own = roleNamed(node.role);
    const contributions: Contribution[] = [];
    if (own?.configure) contributions.push(own.configure(node.config, node, instance));
    for (const other of nodes) {
      const role = roleNamed(other.role);
      if (other !== node && role?.configureOthers) {
        contributions.push(role.configureOthers(other.config, other, node, instance));
      }
    }
    return contributions.reduce(merge, node);
  });
}

function merge(node: NodeDef, add: Contribution): NodeDef {
  return {
    ...node,
    files: mergeFiles(add.files ?? [], node.files),
    start: [...(add.start ?? []), ...node.start],
    ready: node.ready ?? add.ready ?? null,
    capabilities: [...new Set([...node.capabilities, ...(add.capabilities ?? [])])],
    sysctls: { ...add.sysctls, ...node.sysctls },
    env: { ...add.env, ...node.env },
    after: [...new Set([...node.after, ...(add.after ?? [])])].filter((n) => n !== node.name),
  };
}

/** A file the topology gives at the same path replaces the role's. */
function mergeFiles(fromRole: FileDef[], own: FileDef[]): FileDef[] {
  const ownPaths = new Set(own.map((f) => f.path));
  return [...fromRole.filter((f) => !ownPaths.has(f.path)), ...own];
}
