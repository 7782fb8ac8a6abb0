// Where nodes sit on their networks: the networks' subnets, the addresses written for nodes, and
// the ones left for the loader to choose.

import type { Cidr } from "../net/ipv4.ts";
import {
  type CidrParse,
  contains,
  formatAddress,
  formatCidr,
  overlaps,
  parseAddress,
  parseCidr,
  parseHostPart,
  size,
} from "../net/ipv4.ts";
import type { Path, Report } from "./diagnostics.ts";

/** A /16 already holds 65534 hosts; a /29 still leaves 5 once Docker took its gateway. */
export const MIN_PREFIX = 16;
export const MAX_PREFIX = 29;
/** Host index 0 is the network's own address and 1 the gateway Docker takes. */
const FIRST_HOST = 2;

export function parseSubnet(text: string): CidrParse {
  const parsed = parseCidr(text);
  if (!parsed.ok) return parsed;
  const { prefix } = parsed.cidr;
  if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
    const which = prefix < MIN_PREFIX ? "large" : "small";
    return {
      ok: false,
      reason: `subnet ${text} is too ${which}: use a prefix from /${MIN_PREFIX} to /${MAX_PREFIX}`,
    };
  }
  return parsed;
}

/** Each network's subnet, checked on its own and against the networks before it. */
export function checkSubnets(
  written: { network: string; subnet: string; path: Path }[],
  report: Report,
): Map<string, Cidr> {
  const subnets = new Map<string, Cidr>();
  for (const { network, subnet, path } of written) {
    const parsed = parseSubnet(subnet);
    if (!parsed.ok) {
      report(path, parsed.reason);
      continue;
    }
    for (const [other, cidr] of subnets) {
      if (overlaps(cidr, parsed.cidr)) {
        report(path, `subnet ${subnet} overlaps network '${other}' (${formatCidr(cidr)})`);
      }
    }
    subnets.set(network, parsed.cidr);
  }
  return subnets;
}

/** `null`, `""` and `auto` leave the address to the loader. */
export function isAuto(written: string | null): written is null | "" | "auto" {
  return written === null || written === "" || written === "auto";
}

export type HostParse = { ok: true; hostIndex: number } | { ok: false; reason: string };

/** An explicit address, `.53`, `.1.5` or `10.10.1.5`, as a host index inside `subnet`. */
export function parseHostAddress(written: string, subnet: Cidr): HostParse {
  const cidr = formatCidr(subnet);
  const hostPart = parseHostPart(written);
  const address = parseAddress(written);
  let hostIndex: number;
  if (hostPart !== null) {
    if (hostPart >= size(subnet)) {
      return { ok: false, reason: `host part ${written} does not fit in subnet ${cidr}` };
    }
    hostIndex = hostPart;
  } else if (address !== null) {
    if (!contains(subnet, address)) {
      return { ok: false, reason: `address ${written} is outside subnet ${cidr}` };
    }
    hostIndex = address - subnet.base;
  } else {
    return {
      ok: false,
      reason: `'${written}' is not an address: write a host part like .53, a full address or auto`,
    };
  }
  const full = formatAddress(subnet.base + hostIndex);
  if (hostIndex === 0) {
    return { ok: false, reason: `address ${full} is the network address of ${cidr}` };
  }
  if (hostIndex === size(subnet) - 1) {
    return { ok: false, reason: `address ${full} is the broadcast address of ${cidr}` };
  }
  if (hostIndex < FIRST_HOST) {
    return { ok: false, reason: `address ${full} is Docker's gateway on ${cidr}; use .2 or above` };
  }
  return { ok: true, hostIndex };
}

export interface AddressRequest {
  node: string;
  network: string;
  /** As written: an address, or null/""/auto. */
  written: string | null;
  path: Path;
}

/**
 * The host index of every request, in the same order: undefined where there is none (a problem
 * reported, or a network whose subnet is itself broken). Explicit addresses are placed first, so
 * that automatic ones, given in node order, take the lowest index none of them uses.
 */
export function assignAddresses(
  requests: AddressRequest[],
  subnets: Map<string, Cidr>,
  report: Report,
): (number | undefined)[] {
  const owners = new Map<string, Map<number, string>>();
  const ownersOf = (network: string) => {
    const existing = owners.get(network) ?? new Map<number, string>();
    owners.set(network, existing);
    return existing;
  };

  const indices = requests.map(({ node, network, written, path }) => {
    const subnet = subnets.get(network);
    if (isAuto(written) || subnet === undefined) return undefined;
    const parsed = parseHostAddress(written, subnet);
    if (!parsed.ok) {
      report(path, parsed.reason);
      return undefined;
    }
    const taken = ownersOf(network);
    const owner = taken.get(parsed.hostIndex);
    if (owner !== undefined) {
      const full = formatAddress(subnet.base + parsed.hostIndex);
      report(path, `address ${full} is already taken by node '${owner}'`);
      return undefined;
    }
    taken.set(parsed.hostIndex, node);
    return parsed.hostIndex;
  });

  // Each automatic address is above the previous one on its network: no need to search again
  // from the start, which would be quadratic in the number of nodes.
  const searchFrom = new Map<string, number>();
  requests.forEach(({ node, network, written, path }, i) => {
    const subnet = subnets.get(network);
    if (!isAuto(written) || subnet === undefined) return;
    const taken = ownersOf(network);
    let index = searchFrom.get(network) ?? FIRST_HOST;
    while (taken.has(index)) index++;
    searchFrom.set(network, index);
    if (index >= size(subnet) - 1) {
      report(path, `no free address left in network '${network}' (${formatCidr(subnet)})`);
      return;
    }
    taken.set(index, node);
    indices[i] = index;
  });
  return indices;
}
