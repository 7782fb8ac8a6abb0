// A node's DNS resolver (`resolver:`, or `defaults.resolver` for every node that names none): a
// node of the lab, by name, or a fixed IPv4 address. Empty (`resolver: ~`) keeps Docker's own
// (plan/resolver.ts: it forwards nothing out of the node).
import { parseAddress } from "../net/ipv4.ts";
import type { Report } from "./diagnostics.ts";
import { topologySchema } from "./schema.ts";
import { member, valid } from "./wellformed.ts";

const resolverSchema = topologySchema.shape.nodes.valueType.shape.resolver;

/** A resolver as written: undefined when absent or malformed (the shape check reports those). */
export function writtenResolver(value: unknown): string | null | undefined {
  return valid(resolverSchema, member(value, "resolver"));
}

/**
 * Each node's resolver: its own, else the default, else none. A resolver that names no node and
 * is no IPv4 address is reported where it was written (the default once) and left out.
 */
export function resolveResolvers(
  written: { node: string; resolver: string | null | undefined }[],
  fallback: string | null | undefined,
  known: ReadonlySet<string>,
  report: Report,
): Map<string, string | null> {
  const check = (resolver: string | null | undefined, path: (string | number)[]) => {
    if (resolver === undefined || resolver === null) return null;
    if (known.has(resolver) || parseAddress(resolver) !== null) return resolver;
    report(path, `resolver '${resolver}' is neither a node of this topology nor an IPv4 address`);
    return null;
  };
  const byDefault = check(fallback, ["defaults", "resolver"]);
  return new Map(
    written.map(({ node, resolver }) => [
      node,
      resolver === undefined ? byDefault : check(resolver, ["nodes", node, "resolver"]),
    ]),
  );
}
