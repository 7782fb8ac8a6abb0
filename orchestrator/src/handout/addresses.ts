// The student's own addresses in a handout: every address or subnet that lies in one of the
// topology's subnets (as the handout writes them) becomes the same host part in the lab's subnet.

import type { Cidr } from "../net/ipv4.ts";
import { contains, formatAddress, formatCidr, parseAddress, parseCidrLoose } from "../net/ipv4.ts";

/** One network of a lab: its subnet in the handout and the lab's own. */
export interface SubnetMapping {
  network: string;
  handout: Cidr;
  lab: Cidr;
}

/**
 * Pairs each network of the topology with the lab's subnet for it. Networks the lab does not have
 * (a topology changed since the lab came up) or whose sizes differ are left out: their addresses
 * are kept as written rather than guessed.
 */
export function subnetMappings(
  handoutNetworks: readonly { name: string; subnet: Cidr }[],
  labNetworks: readonly { name: string; subnet: string }[],
): SubnetMapping[] {
  const labSubnets = new Map(labNetworks.map((n) => [n.name, parseCidrLoose(n.subnet)]));
  const mappings: SubnetMapping[] = [];
  for (const network of handoutNetworks) {
    const lab = labSubnets.get(network.name);
    if (!lab || lab.prefix !== network.subnet.prefix) continue;
    mappings.push({ network: network.name, handout: network.subnet, lab });
  }
  return mappings;
}

// Four dotted numbers with an optional prefix, not part of a longer dotted run (a version such
// as 1.2.3.4.5, a dotted name): a sentence's final full stop is not part of the address, nor is
// a URL's path (http://10.9.0.80/index.html).
const ADDRESS = /(?<![\w.])(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?(?!\w|\.\d|\/\d)/g;

/**
 * Rewrites every address and subnet of `text` that lies inside a handout subnet. A subnet is
 * rewritten only when it lies wholly inside one (10.9.0.0/24, 10.9.0.128/25); a wider one
 * (10.9.0.0/16) names more than the lab and is kept.
 */
export function substituteAddresses(text: string, mappings: readonly SubnetMapping[]): string {
  if (mappings.length === 0) return text;
  return text.replace(ADDRESS, (whole, address: string, prefix: string | undefined) => {
    const value = parseAddress(address);
    if (value === null) return whole;
    const length = prefix === undefined ? 32 : Number(prefix);
    if (length > 32) return whole;
    const mapping = mappings.find((m) => contains(m.handout, value) && length >= m.handout.prefix);
    if (!mapping) return whole;
    const moved = formatAddress(mapping.lab.base + (value - mapping.handout.base));
    return prefix === undefined ? moved : `${moved}/${prefix}`;
  });
}

/** The table at the top of a lab's handout: which subnet of the text is which of the lab's. */
export function subnetTable(mappings: readonly SubnetMapping[]): string {
  if (mappings.length === 0) return "";
  const rows = mappings.map(
    (m) => `| ${m.network} | ${formatCidr(m.handout)} | ${formatCidr(m.lab)} |`,
  );
  return [
    "| network | handout subnet | your subnet |",
    "| --- | --- | --- |",
    ...rows,
    "",
    "The addresses below are already your lab's own.",
    "",
  ].join("\n");
}
