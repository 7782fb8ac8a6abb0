// Where the dns role's config names the lab rather than the Internet: addresses written as a node
// (`web`, `web@lan`), a host part of a network (`.80@lan`) or a literal IPv4 address, and
// who may use a resolver (`any`, a node, a network, an address or a subnet). Instance subnets
// differ between labs, so these are resolved per instance.
import { formatAddress, parseAddress, parseCidr, parseHostPart } from "../../net/ipv4.ts";
import type { NodeDef } from "../../topology/model.ts";
import { NAME_PATTERN } from "../../topology/schema.ts";
import type { InstanceView, TopologyView } from "../types.ts";

export type AddressRef =
  | { kind: "address"; address: string }
  /** A node's address on `network`, or on the first network it shares with the dns node. */
  | { kind: "node"; node: string; network: string | null }
  /**
   * A host part of `network`. It has no short form without the network: YAML reads an
   * unquoted `.80` as the number 0.8, and its text is lost.
   */
  | { kind: "host"; hostIndex: number; network: string };

export const ADDRESS_REF_HELP =
  "write a node's name (web), web@lan for its address on network lan, a host part of a network (.80@lan) or an IPv4 address";

/** Parses a written address reference; null when it is none of the forms. */
export function parseAddressRef(text: string): AddressRef | null {
  const [left = "", network = null, ...rest] = text.split("@");
  if (rest.length > 0 || (network !== null && !NAME_PATTERN.test(network))) return null;
  if (network === null && parseAddress(left) !== null) return { kind: "address", address: left };
  const hostIndex = parseHostPart(left);
  if (hostIndex !== null) return network === null ? null : { kind: "host", hostIndex, network };
  if (NAME_PATTERN.test(left)) return { kind: "node", node: left, network };
  return null;
}

/** What is wrong with a reference in this topology, or null. */
export function checkAddressRef(ref: AddressRef, topology: TopologyView): string | null {
  if (ref.kind === "address") return null;
  if (ref.network !== null && !topology.networks.includes(ref.network)) {
    return `unknown network '${ref.network}'`;
  }
  if (ref.kind === "host") return null;
  const node = topology.nodes.find((n) => n.name === ref.node);
  if (node === undefined) return `unknown node '${ref.node}'`;
  if (ref.network !== null && !node.attachments.some((a) => a.network === ref.network)) {
    return `node '${ref.node}' is not on network '${ref.network}'`;
  }
  return null;
}

/** The address a (checked) reference stands for in one instance, as `self` sees it. */
export function resolveAddressRef(ref: AddressRef, self: NodeDef, instance: InstanceView): string {
  if (ref.kind === "address") return ref.address;
  if (ref.kind === "node") {
    const network = ref.network ?? facingNetwork(self, ref.node, instance);
    return required(instance.addressOf(ref.node, network), `node '${ref.node}'`);
  }
  const subnet = required(instance.network(ref.network)?.subnet, `network '${ref.network}'`);
  const parsed = parseCidr(subnet);
  if (!parsed.ok) throw new Error(`network '${ref.network}': ${parsed.reason}`);
  return formatAddress(parsed.cidr.base + ref.hostIndex);
}

/**
 * The network on which `self` reaches `other`: the first of its own that `other` is on, as in
 * /etc/hosts (see plan/container.ts); undefined (the other's first network) when none is shared.
 */
function facingNetwork(self: NodeDef, other: string, instance: InstanceView): string | undefined {
  const theirs = instance.nodes.find((n) => n.name === other)?.attachments ?? [];
  return self.attachments.find((mine) => theirs.some((a) => a.network === mine.network))?.network;
}

export const ALLOW_HELP =
  "write any, a node's name, a network's name, an IPv4 address or a subnet like 10.0.0.0/24";

/** Whether an entry of `allow` has one of its forms (its names are checked by `checkAllow`). */
export function isAllowEntry(text: string): boolean {
  return (
    text === "any" || NAME_PATTERN.test(text) || parseAddress(text) !== null || parseCidr(text).ok
  );
}

/** What is wrong with an entry of `allow` in this topology, or null. */
export function checkAllow(entry: string, topology: TopologyView): string | null {
  if (entry === "any" || !NAME_PATTERN.test(entry)) return null;
  const isNode = topology.nodes.some((n) => n.name === entry);
  const isNetwork = topology.networks.includes(entry);
  if (isNode && isNetwork) {
    return `'${entry}' is both a node and a network: give the network's subnet or the node's address instead`;
  }
  return isNode || isNetwork ? null : `'${entry}' is neither a node nor a network of this topology`;
}

/** An entry of `allow` as bind's address match list elements: a node has one per network. */
export function resolveAllow(entry: string, instance: InstanceView): string[] {
  if (entry === "any" || !NAME_PATTERN.test(entry)) return [entry];
  const node = instance.nodes.find((n) => n.name === entry);
  if (node !== undefined) {
    return node.attachments.map((a) =>
      required(instance.addressOf(entry, a.network), `node '${entry}'`),
    );
  }
  return [required(instance.network(entry)?.subnet, `network '${entry}'`)];
}

function required(value: string | undefined, what: string): string {
  // The role's check made sure that every name it resolves is in the topology.
  if (value === undefined) throw new Error(`${what} has no address in this instance`);
  return value;
}
