// Builders for resolved topologies, so tests spell out only what they are about.
import { type Cidr, parseCidr } from "../../src/net/ipv4.ts";
import type { PlanRequest } from "../../src/plan/types.ts";
import {
  type CheckDef,
  DEFAULT_LIMITS,
  DEFAULT_NODE_USER,
  type NetworkDef,
  type NodeDef,
  type Topology,
} from "../../src/topology/model.ts";

export function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.cidr;
}

export function network(name: string, subnet: string, sniffable = false): NetworkDef {
  return { name, subnet: cidr(subnet), sniffable };
}

/** A node attached to `networks` (name -> host part), in that order. */
export function node(
  name: string,
  networks: Record<string, number>,
  rest: Partial<NodeDef> = {},
): NodeDef {
  return {
    name,
    role: "client",
    image: "socketlab/client:latest",
    attachments: Object.entries(networks).map(([net, hostIndex]) => ({ network: net, hostIndex })),
    env: {},
    files: [],
    start: [],
    capabilities: [],
    sysctls: {},
    limits: { ...DEFAULT_LIMITS },
    ready: null,
    after: [],
    routes: [],
    resolver: null,
    user: DEFAULT_NODE_USER,
    config: null,
    ...rest,
  };
}

export function topology(
  networks: NetworkDef[],
  nodes: NodeDef[],
  checks: CheckDef[] = [],
): Topology {
  return { name: "demo", description: "", networks, nodes, values: [], checks };
}

export function request(rest: Partial<PlanRequest> = {}): PlanRequest {
  return {
    lab: "alice",
    owner: "Alice Martin",
    pool: ["10.200.0.0/16"],
    taken: [],
    existing: {},
    ...rest,
  };
}
