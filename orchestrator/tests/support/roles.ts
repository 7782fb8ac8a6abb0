// Shared by the role tests: a node loaded from YAML as the loader resolves it (its config parsed
// by its role's schema), what its role adds to it in one instance, and a whole lab as planned.
import { planLab } from "../../src/plan/plan.ts";
import type { NodePlan } from "../../src/plan/types.ts";
import { findRole } from "../../src/roles/index.ts";
import type { Contribution, InstanceView } from "../../src/roles/types.ts";
import type { NodeDef } from "../../src/topology/model.ts";
import { request } from "../plan/helpers.ts";
import { load } from "../topology/helpers.ts";

/** The nodes of a topology that must load. */
export async function loadNodes(text: string): Promise<NodeDef[]> {
  const result = await load(text);
  if (!result.ok) throw new Error(`does not load: ${JSON.stringify(result.diagnostics)}`);
  return result.topology.nodes;
}

/** The node named `name` of a topology that must load. */
export async function loadNode(text: string, name: string): Promise<NodeDef> {
  const node = (await loadNodes(text)).find((n) => n.name === name);
  if (!node) throw new Error(`no node ${name}`);
  return node;
}

/** What the node's own role adds to it, in an instance where `nodes[i]` is at 10.9.0.(i+2). */
export function configureOwn(node: NodeDef, nodes: readonly NodeDef[] = [node]): Contribution {
  const role = findRole(node.role);
  if (!role?.configure) throw new Error(`role ${node.role} configures nothing`);
  const instance: InstanceView = {
    lab: "alice",
    nodes,
    addressOf: (name) => {
      const index = nodes.findIndex((n) => n.name === name);
      return index < 0 ? undefined : `10.9.0.${index + 2}`;
    },
    network: () => ({ subnet: "10.9.0.0/24", gateway: "10.9.0.1" }),
  };
  return role.configure(node.config, node, instance);
}

/** A file of the contribution, as text. */
export function fileText(contribution: Contribution, path: string): string | undefined {
  const file = contribution.files?.find((f) => f.path === path);
  return file && Buffer.from(file.contentBase64, "base64").toString("utf8");
}

/** `key=value` or `Key value` lines of a config file (comments and blank lines left out). */
export function settings(text: string, separator: "=" | " "): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const at = line.indexOf(separator);
    const key = line.slice(0, at);
    map.set(key, [...(map.get(key) ?? []), line.slice(at + 1)]);
  }
  return map;
}

/**
 * A lab whose node `node` (of `role`, at `host` on `lan`) has `config:` holding `lines`, one
 * setting each, from line 9 on (later by the lines of `before`: YAML of nodes put ahead of it).
 */
export function withNodeConfig(
  node: { name: string; role: string; host: string },
  lines: string[],
  before: string[] = [],
): string {
  return [
    "name: lab",
    "networks:",
    "  lan: { subnet: 10.0.0.0/24 }",
    "nodes:",
    ...before.map((line) => `  ${line}`),
    `  ${node.name}:`,
    `    role: ${node.role}`,
    `    networks: { lan: ${node.host} }`,
    "    config:",
    ...lines.map((line) => `      ${line}`),
    "",
  ].join("\n");
}

/** Every node of the topology as planned for lab `alice` (pool 10.200.0.0/16), by name. */
export async function planned(text: string): Promise<Map<string, NodePlan>> {
  const loaded = await load(text);
  if (!loaded.ok) throw new Error(`does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const result = planLab(loaded.topology, request());
  if (!result.ok) throw new Error(result.error);
  return new Map(result.plan.nodes.map((n) => [n.name, n]));
}
