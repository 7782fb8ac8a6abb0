// Node routes (`routes: [{ to, via }]`): `to` names a network of the lab or gives a fixed subnet,
// `via` names the node to hand packets to, which must be a neighbour (share a network).
import { type Cidr, contains, formatCidr, parseCidr } from "../net/ipv4.ts";
import type { Report } from "./diagnostics.ts";
import type { RouteDef } from "./model.ts";
import { topologySchema } from "./schema.ts";
import { items, member, valid } from "./wellformed.ts";

const routeSchema = topologySchema.shape.nodes.valueType.shape.routes.unwrap().element;

export interface WrittenRoute {
  node: string;
  index: number;
  to: string;
  via: string;
}

/** The well-formed routes of a node as written (the shape check reports the others). */
export function writtenRoutes(node: string, value: unknown): WrittenRoute[] {
  return items(member(value, "routes")).flatMap(([index, item]) => {
    const route = valid(routeSchema, item);
    return route === undefined ? [] : [{ node, index, ...route }];
  });
}

export interface RouteContext {
  /** Every network declared, and the subnet of those whose subnet is valid. */
  networks: ReadonlySet<string>;
  subnets: ReadonlyMap<string, Cidr>;
  /** Each node's networks, as written. */
  networksOf: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Each node's routes, checked; a route with a problem is reported and left out. */
export function resolveRoutes(
  written: WrittenRoute[],
  context: RouteContext,
  report: Report,
): Map<string, RouteDef[]> {
  const resolved = new Map<string, RouteDef[]>();
  const seen = new Set<string>();
  for (const route of written) {
    const at = (field: string) => ["nodes", route.node, "routes", route.index, field];
    const to = resolveTarget(route, context);
    if (typeof to === "string") report(at("to"), to);
    const via = checkVia(route, context);
    if (via !== null) report(at("via"), via);
    if (typeof to === "string" || via !== null) continue;

    const key = `${route.node} ${"network" in to ? to.network : formatCidr(to.subnet)}`;
    if (seen.has(key)) {
      report(at("to"), `a second route to ${route.to}: a node has one route to a destination`);
      continue;
    }
    seen.add(key);
    resolved.set(route.node, [...(resolved.get(route.node) ?? []), { to, via: route.via }]);
  }
  return resolved;
}

/** The route's destination, or the problem with it. */
function resolveTarget(
  { node, to }: WrittenRoute,
  { networks, subnets, networksOf }: RouteContext,
): RouteDef["to"] | string {
  if (networks.has(to)) {
    return networksOf.get(node)?.has(to)
      ? `node ${node} is on network '${to}' itself: it reaches it directly`
      : { network: to };
  }
  if (!/^[0-9./]+$/.test(to)) {
    return `unknown network '${to}' (networks: ${[...networks].join(", ")}); or give a subnet like 10.0.0.0/24`;
  }
  const parsed = parseCidr(to);
  if (!parsed.ok) return parsed.reason;
  // The topology's subnets are only the handout's: every lab instance has its own.
  for (const [network, subnet] of subnets) {
    if (parsed.cidr.prefix >= subnet.prefix && contains(subnet, parsed.cidr.base)) {
      return `${to} lies in network '${network}' (${formatCidr(subnet)}), whose subnet differs in every lab instance: write 'to: ${network}'`;
    }
  }
  return { subnet: parsed.cidr };
}

/** The problem with the route's `via` node, or null. */
function checkVia({ node, via }: WrittenRoute, { networksOf }: RouteContext): string | null {
  const theirs = networksOf.get(via);
  if (theirs === undefined) return `unknown node '${via}'`;
  if (via === node) return "a node cannot route through itself";
  const own = networksOf.get(node) ?? new Set<string>();
  if ([...own].some((network) => theirs.has(network))) return null;
  return `node '${via}' shares no network with '${node}' (${node} is on ${list(own)}; ${via} is on ${list(theirs)})`;
}

function list(networks: ReadonlySet<string>): string {
  return networks.size === 0 ? "none" : [...networks].join(", ");
}
