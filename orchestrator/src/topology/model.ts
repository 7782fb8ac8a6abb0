// A topology after loading: every default applied, every address resolved to a host part, every
// file read. This is what the planner consumes; it is plain data, so it can be serialised.
import type { Cidr } from "../net/ipv4.ts";

export interface NetworkDef {
  name: string;
  /** The subnet as written in the topology; instances get their own, of the same size. */
  subnet: Cidr;
  /** Hub mode: every node on it sees all of its unicast traffic (sniffing labs). */
  sniffable: boolean;
}

export interface Attachment {
  network: string;
  /** Offset of the node's address inside the subnet: `.53` in a /24 is 53. Kept per instance. */
  hostIndex: number;
}

export interface FileDef {
  path: string;
  contentBase64: string;
  mode: number;
}

export interface Limits {
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
}

export interface ReadyCheck {
  command: string;
  timeoutSeconds: number;
}

/** Where a route leads: a network of the lab (its instance subnet) or a fixed subnet. */
export type RouteTarget = { network: string } | { subnet: Cidr };

export interface RouteDef {
  to: RouteTarget;
  /** The node packets are handed to; it shares a network with the node that has the route. */
  via: string;
}

export interface NodeDef {
  name: string;
  role: string;
  /** Docker image reference; the role's image unless the topology overrides it. */
  image: string;
  /** In the order written: the first is the node's primary network. */
  attachments: Attachment[];
  env: Record<string, string>;
  files: FileDef[];
  start: string[];
  capabilities: string[];
  sysctls: Record<string, string>;
  limits: Limits;
  ready: ReadyCheck | null;
  /** Nodes that must be started and ready before this one. */
  after: string[];
  /** Routes through other nodes, added first thing at every start. */
  routes: RouteDef[];
  /** The node's DNS resolver, written to /etc/resolv.conf at start: a node's name or an IPv4. */
  resolver: string | null;
  /** The account browser terminals log in as (the loader fills in DEFAULT_NODE_USER). */
  user: string;
  /** The role's settings, as its schema parsed them; null when the role takes none. */
  config: unknown;
}

/**
 * Where a check runs: on a node of the lab (where the student is root, so its tools and files
 * may lie), or in a probe, a container of socketlab's own on the lab's networks.
 */
export type CheckVantage = "node" | "probe";

/** A task's check: a command whose exit status 0 means the task is achieved. */
export type CheckDef = {
  /** A DNS-label-like name, unique in the topology. */
  id: string;
  /** The task, as the handout words it. */
  task: string;
  /** Run with /bin/sh -c. */
  command: string;
  timeoutSeconds: number;
} & (
  | { vantage: "node"; node: string }
  /** `networks`: the lab networks the probe is attached to, in the order written. */
  | { vantage: "probe"; networks: string[] }
);

export type ValueAlphabet = "alnum" | "hex" | "digits";

/** A random value made once per lab instance and kept with it. */
export interface ValueDef {
  name: string;
  length: number;
  alphabet: ValueAlphabet;
}

export const DEFAULT_VALUE_LENGTH = 16;

export interface Topology {
  name: string;
  description: string;
  networks: NetworkDef[];
  nodes: NodeDef[];
  /** Per-instance values, in the order written. */
  values: ValueDef[];
  /** In the order written. */
  checks: CheckDef[];
}

export const DEFAULT_LIMITS: Limits = {
  memoryBytes: 256 * 1024 * 1024,
  nanoCpus: 500_000_000,
  pids: 256,
};

export const DEFAULT_READY_TIMEOUT_SECONDS = 30;

export const DEFAULT_CHECK_TIMEOUT_SECONDS = 10;

/** The lab user of socketlab's images (images/base), whom terminals log in as by default. */
export const DEFAULT_NODE_USER = "student";
