// A node's DNS resolver as its first start command. Docker bind-mounts /etc/resolv.conf into the
// container (and writes it anew when it creates one), so a file put there beforehand would be
// hidden: the node writes it itself, in place, each time it starts.
//
// Docker's embedded resolver (127.0.0.11, which answers the names of a network's containers) is
// there whatever the file says, and forwards every other name to the container's upstream. Left
// to itself, that upstream is the engine host's resolver; on engines before 23.0.11/25.0.4/26.0
// (CVE-2024-29018) a loopback one is asked from the host itself, internal networks or not: a DNS
// channel out of the lab. Every node therefore names its upstream (Docker's `Dns`), which the
// embedded resolver then asks from inside the node: the lab's own resolver, or the node's loopback.
import { parseAddress } from "../net/ipv4.ts";
import type { NodeDef } from "../topology/model.ts";
import { sharedEndpoint } from "./container.ts";
import type { EndpointPlan } from "./types.ts";

/** The node with `/etc/resolv.conf` written first thing at start, when it names a resolver. */
export function addResolver(
  node: NodeDef,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
): NodeDef {
  if (node.resolver === null) return node;
  const address = resolverAddress(node.name, node.resolver, endpoints);
  return {
    ...node,
    start: [`printf 'nameserver %s\\n' ${address} > /etc/resolv.conf`, ...node.start],
  };
}

/**
 * The upstream of a node without a resolver: its own loopback, where nothing answers unless the
 * student serves DNS there themselves. Docker asks an upstream named this way from inside the
 * node, never from the host.
 */
export const NO_UPSTREAM_DNS = "127.0.0.1";

/** What Docker's embedded resolver forwards the node's queries to (`Dns`): never the host's. */
export function upstreamDns(
  node: NodeDef,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
): string[] {
  return [
    node.resolver === null ? NO_UPSTREAM_DNS : resolverAddress(node.name, node.resolver, endpoints),
  ];
}

/**
 * An IPv4 address as it is; a node's address on the first network the two share (as in
 * /etc/hosts), else its primary one: a resolver elsewhere is reached through the lab's routes.
 */
function resolverAddress(
  self: string,
  resolver: string,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
): string {
  if (parseAddress(resolver) !== null) return resolver;
  const theirs = endpoints.get(resolver) ?? [];
  const endpoint = sharedEndpoint(endpoints.get(self) ?? [], theirs) ?? theirs[0];
  // The loader checked that the resolver is a node of the topology, and every node has a network.
  if (endpoint === undefined)
    throw new Error(`node ${self}: resolver '${resolver}' has no address`);
  return endpoint.address;
}
