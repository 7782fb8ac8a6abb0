// Engines from a Docker Swarm (docs/operator.md: From one machine to three): the nodes a swarm
// manager lists are the pool's engines. A node's availability drains it (drain and pause both stop
// new labs), its labels set its name and capacity, and its address fills in the `nodes` host
// pattern through which each node's engine is reached. Pure: the listing comes from the manager
// (runtime/docker/dockerode.ts), the pool keeps its members in step (members.ts).
import { z } from "zod";
import type { SwarmNode } from "../runtime/docker/port.ts";
import { type EngineSpec, EngineSpecError, toEngineSpec } from "./spec.ts";

/** The node labels socketlab reads. */
export const NODE_LABELS = {
  name: "socketlab.name",
  capacity: "socketlab.capacity",
  memory: "socketlab.memory",
} as const;

const ADDRESS = "{addr}";

export const swarmSettingsInput = z
  .object({
    manager: z
      .record(z.string(), z.unknown())
      .describe("a manager's engine: host (and tls or hostKey) as for an engine"),
    nodes: z
      .object({ host: z.string().includes(ADDRESS, { message: `a host pattern with ${ADDRESS}` }) })
      .catchall(z.unknown())
      .describe(
        "how each node's engine is reached: host with {addr}, tls or agent, insecure, capacity",
      ),
  })
  .strict();

export interface SwarmSettings {
  /** The manager whose API lists the nodes. */
  manager: EngineSpec;
  /** Every node's engine as the pattern says, `{addr}` standing for the node's address. */
  nodes: Record<string, unknown> & { host: string };
}

/** The `swarm:` section of an engines file; errors name the field under `path`. */
export function toSwarmSettings(input: unknown, path = "swarm"): SwarmSettings {
  const parsed = swarmSettingsInput.safeParse(input);
  if (!parsed.success) {
    throw new EngineSpecError(
      parsed.error.issues.map((i) => `${[path, ...i.path].join(".")}: ${i.message}`).join("; "),
    );
  }
  const { manager, nodes } = parsed.data;
  const settings = {
    manager: toEngineSpec({ name: "manager", ...manager }, `${path}.manager`),
    nodes,
  };
  // The pattern is checked once now, as a node at a documentation address would see it.
  nodeSpec(settings, "check", "192.0.2.1", {}, `${path}.nodes`);
  return settings;
}

/** One node as the pool sees it: its engine's spec, or why it cannot be one. */
export type SwarmEngine =
  | { id: string; ok: true; spec: EngineSpec }
  | { id: string; ok: false; reason: string };

/**
 * The engines of a node listing, in a stable order (the leader, the other managers, the workers,
 * each by name). A node drained or paused in the swarm is drained here; a node whose labels are
 * wrong is no engine, and `reason` names the label.
 */
export function swarmEngines(nodes: SwarmNode[], settings: SwarmSettings): SwarmEngine[] {
  const rank = (n: SwarmNode) => (n.ManagerStatus?.Leader ? 0 : n.Spec?.Role === "manager" ? 1 : 2);
  const taken = new Map<string, string>();
  return [...nodes]
    .sort((a, b) => rank(a) - rank(b) || nodeName(a).localeCompare(nodeName(b)))
    .map((node): SwarmEngine => {
      const name = nodeName(node);
      const where = `swarm node ${name} (${node.ID})`;
      const address = nodeAddress(node);
      if (!address) return { id: node.ID, ok: false, reason: `${where}: it has no address` };
      const holder = taken.get(name);
      if (holder) {
        return {
          id: node.ID,
          ok: false,
          reason: `${where}: label ${NODE_LABELS.name}: the name ${name} is node ${holder}'s`,
        };
      }
      try {
        const spec = nodeSpec(settings, name, address, node.Spec?.Labels ?? {}, where);
        taken.set(name, node.ID);
        const availability = node.Spec?.Availability ?? "active";
        return {
          id: node.ID,
          ok: true,
          spec: { ...spec, drained: spec.drained || availability !== "active" },
        };
      } catch (error) {
        return { id: node.ID, ok: false, reason: (error as Error).message };
      }
    });
}

/**
 * The node's engine name: its `socketlab.name` label, else its host name and the start of its id
 * (the id keeps two hosts of one name apart, and stays the same for the node's whole life).
 */
export function nodeName(node: SwarmNode): string {
  const label = node.Spec?.Labels?.[NODE_LABELS.name];
  if (label !== undefined) return label;
  const host = (node.Description?.Hostname ?? "node")
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 24);
  return `${host || "node"}-${node.ID.toLowerCase().slice(0, 7)}`;
}

/**
 * The address the node's engine is reached at: the one the swarm sees it at; a manager may list
 * 0.0.0.0 there, and then its manager address (host:port) says it.
 */
export function nodeAddress(node: SwarmNode): string | null {
  const seen = node.Status?.Addr;
  if (seen && seen !== "0.0.0.0") return seen;
  const manager = node.ManagerStatus?.Addr;
  if (!manager) return null;
  return manager.replace(/:\d+$/, "").replace(/^\[(.*)\]$/, "$1");
}

function nodeSpec(
  settings: Pick<SwarmSettings, "nodes">,
  name: string,
  address: string,
  labels: Record<string, string>,
  path: string,
): EngineSpec {
  const host = settings.nodes.host.replaceAll(
    ADDRESS,
    address.includes(":") ? `[${address}]` : address,
  );
  const base = toEngineSpec({ ...settings.nodes, name, host }, path);
  const labs = labels[NODE_LABELS.capacity];
  const memory = labels[NODE_LABELS.memory];
  if (labs !== undefined && !/^[1-9]\d{0,5}$/.test(labs)) {
    throw new EngineSpecError(
      `${path}: label ${NODE_LABELS.capacity}: a whole number of labs (1 or more), not "${labs}"`,
    );
  }
  let memoryBytes = base.capacity.memoryBytes;
  if (memory !== undefined) {
    try {
      memoryBytes = toEngineSpec({ name: "node", capacity: { memory } }).capacity.memoryBytes;
    } catch {
      throw new EngineSpecError(
        `${path}: label ${NODE_LABELS.memory}: a size such as 16g or 512m, not "${memory}"`,
      );
    }
  }
  return {
    ...base,
    capacity: { labs: labs !== undefined ? Number(labs) : base.capacity.labs, memoryBytes },
  };
}
