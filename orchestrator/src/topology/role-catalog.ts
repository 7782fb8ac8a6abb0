// What loading a topology needs to know of node roles: their names, their config's schema and
// checks, their image. The roles themselves (orchestrator/src/roles) build on the topology model,
// so they are handed to the loader (roles/load.ts) rather than imported here.
import type { z } from "zod";
import type { NodeDef } from "./model.ts";

/** A problem a role found in a node's config, at a path inside that config. */
export interface ConfigProblem {
  path: (string | number)[];
  message: string;
}

/** What the role knows of the topology when it checks a config (before any instance exists). */
export interface TopologyView {
  /** Every node: its name, role, networks and (resolved) config. */
  nodes: readonly NodeDef[];
  networks: readonly string[];
}

/** A role as the loader checks it. */
export interface RoleRules {
  name: string;
  /** The images/ folder of its image. */
  imageFolder: string;
  /** One line on what the role is (hover text in editors, `socketlab roles`). */
  summary: string;
  /** The schema of the node's `config:`; a role without one takes no config. */
  config?: z.ZodType<unknown>;
  /** Relations the schema cannot see (a record naming an unknown node, say). */
  check?(config: unknown, node: NodeDef, topology: TopologyView): ConfigProblem[];
}

export interface RoleCatalog {
  /** Every role, in the order messages list them. */
  roles: readonly RoleRules[];
  /** The role of a node when neither it nor the defaults name one. */
  defaultRole: string;
  /** The image a node of the role runs unless it names its own. */
  image(role: RoleRules): string;
}
