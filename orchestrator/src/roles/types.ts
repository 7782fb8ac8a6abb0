// What a role is: an image, an optional `config:` section in the topology with its schema, and
// pure functions that turn that section into files, start commands and the like for one lab
// instance. Adding a role means one folder under images/ and one module here.
import type { z } from "zod";
import type { FileDef, NodeDef, ReadyCheck } from "../topology/model.ts";
import type { ConfigProblem, TopologyView } from "../topology/role-catalog.ts";

export type { ConfigProblem, TopologyView };

/** One lab instance, as a role sees it while the planner builds it. */
export interface InstanceView {
  lab: string;
  nodes: readonly NodeDef[];
  /** A node's address on a network, or on its first network when none is named. */
  addressOf(node: string, network?: string): string | undefined;
  /** An instance network's subnet (`10.200.3.0/24`) and gateway. */
  network(name: string): { subnet: string; gateway: string } | undefined;
}

/** What a role adds to a node. Every part is optional; the planner merges it with the node's own. */
export interface Contribution {
  files?: FileDef[];
  /** Run before the node's own start commands. */
  start?: string[];
  /** Used when the topology gives the node no ready check of its own. */
  ready?: ReadyCheck;
  capabilities?: string[];
  sysctls?: Record<string, string>;
  env?: Record<string, string>;
  /** Nodes that must be started and ready first. */
  after?: string[];
}

export interface Role<Config = unknown> {
  name: string;
  /** The images/ folder of its image. */
  imageFolder: string;
  /** One line for `socketlab roles` and error messages. */
  summary: string;
  /** The schema of the node's `config:`; a role without one takes no config. */
  config?: z.ZodType<Config>;
  /** Relations the schema cannot see (a record naming an unknown node, say). */
  check?(config: Config, node: NodeDef, topology: TopologyView): ConfigProblem[];
  /** What this role adds to its own node in one instance. */
  configure?(config: Config, node: NodeDef, instance: InstanceView): Contribution;
  /** What this role adds to every other node of the lab (a CA's trust, a resolver, ...). */
  configureOthers?(
    config: Config,
    self: NodeDef,
    other: NodeDef,
    instance: InstanceView,
  ): Contribution;
}

/** Widens a role's config type for the registry, keeping the author's types inside the role. */
export function defineRole<Config>(role: Role<Config>): Role<unknown> {
  return role as Role<unknown>;
}
