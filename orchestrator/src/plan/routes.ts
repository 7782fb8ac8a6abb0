// A node's routes as start commands. They come before every other start command (the role's
// included), so that whatever starts on the node can already reach across its routers.
import { formatCidr } from "../net/ipv4.ts";
import type { NodeDef } from "../topology/model.ts";
import { sharedEndpoint } from "./container.ts";
import type { EndpointPlan, NetworkPlan } from "./types.ts";

/** The node with its routes added first to its start commands, and NET_ADMIN when it has any. */
export function addRoutes(
  node: NodeDef,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
  networks: readonly NetworkPlan[],
): NodeDef {
  if (node.routes.length === 0) return node;
  const own = endpoints.get(node.name) ?? [];
  const commands = node.routes.map(({ to, via }) => {
    const destination =
      "network" in to ? networks.find((n) => n.name === to.network)?.subnet : formatCidr(to.subnet);
    const gateway = sharedEndpoint(own, endpoints.get(via) ?? [])?.address;
    // The loader checked both: the network exists and the node shares one with `via`.
    if (destination === undefined || gateway === undefined) {
      throw new Error(`node ${node.name}: no route to ${JSON.stringify(to)} via ${via}`);
    }
    return `ip route replace ${destination} via ${gateway}`;
  });
  return {
    ...node,
    start: [...commands, ...node.start],
    // Changing routes needs NET_ADMIN. It is safe to grant: it acts on the node's own network
    // namespace only, and the host's rules (host guard) keep the lab isolated whatever it does.
    capabilities: [...new Set([...node.capabilities, "NET_ADMIN"])],
  };
}
