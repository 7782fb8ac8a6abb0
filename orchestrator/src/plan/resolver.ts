// A node's DNS resolver as its first start command. Docker bind-mounts /etc/resolv.conf into the
// container (and writes it anew when it creates one), so a file put there beforehand would be
// hidden: the node writes it itself, in place, each time it starts.
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
