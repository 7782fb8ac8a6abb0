// Where each service sits: the compose networks as topology networks with the handout's subnets,
// and every service's handout address on each (a host-network service on every network).
import { formatAddress, formatCidr } from "../net/ipv4.ts";
import { type AddressRequest, assignAddresses, checkSubnets } from "../topology/addresses.ts";
import type { Path } from "../topology/diagnostics.ts";
import type { Cidr } from "../topology/model.ts";
import type { ComposeFile } from "./compose.ts";
import { at, type Findings } from "./findings.ts";
import { topologyName } from "./names.ts";

export interface Placement {
  service: string;
  node: string;
  /** Topology network -> handout address. */
  addresses: Map<string, string>;
}

export interface MappedNetworks {
  /** Compose name -> topology name. */
  names: Map<string, string>;
  /** Topology name -> handout subnet, for those whose subnet is usable. */
  subnets: Map<string, string>;
  cidrs: Map<string, Cidr>;
  document: Record<string, { subnet: string; sniffable?: true }>;
}

export function mapNetworks(
  compose: ComposeFile,
  sniffable: boolean,
  findings: Findings,
): MappedNetworks {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const written: { network: string; subnet: string; path: Path }[] = [];
  for (const [composeName, network] of Object.entries(compose.networks ?? {})) {
    const name = topologyName(composeName, taken);
    names.set(composeName, name);
    const here = (...rest: Path) => at("networks", composeName, ...rest);
    if (name !== composeName) findings.note("mapped", here(), `network ${composeName} is ${name}`);
    const configs = network?.ipam?.config ?? [];
    const subnet = configs[0]?.subnet;
    if (subnet === undefined) {
      findings.error(
        here(),
        "has no ipam subnet: the import keeps the handout's subnets, so each network needs one",
      );
      continue;
    }
    written.push({
      network: name,
      subnet,
      path: ["networks", composeName, "ipam", "config", 0, "subnet"],
    });
    for (const index of configs.keys()) {
      if (index > 0)
        findings.note(
          "dropped",
          here("ipam", "config", index),
          "only a network's first subnet is kept",
        );
    }
    if (configs[0]?.gateway !== undefined) {
      findings.note(
        "dropped",
        here("ipam", "config", 0, "gateway"),
        "Docker's gateway is always the subnet's first address",
      );
    }
    if (network?.name !== undefined) {
      findings.note(
        "dropped",
        here("name"),
        `Docker network name ${network.name}: each copy of the lab names its own networks`,
      );
    }
    if (network?.internal !== true) {
      findings.note(
        "changed",
        here(),
        "internal: lab networks never reach the host or the Internet",
      );
    }
    if (sniffable) {
      findings.note(
        "changed",
        here(),
        "sniffable (hub mode): the host-network attacker's view of the LAN, without the host's network",
      );
    }
  }
  const cidrs = checkSubnets(written, (path, message) => findings.error({ path }, message));
  const subnets = new Map([...cidrs].map(([name, cidr]) => [name, formatCidr(cidr)]));
  const document: MappedNetworks["document"] = {};
  for (const name of names.values()) {
    const subnet = subnets.get(name);
    if (subnet !== undefined) document[name] = sniffable ? { subnet, sniffable: true } : { subnet };
  }
  return { names, subnets, cidrs, document };
}

/** Every service's networks and handout addresses; host-network services join every network. */
export function placeNodes(
  compose: ComposeFile,
  nodeNames: ReadonlyMap<string, string>,
  networks: MappedNetworks,
  findings: Findings,
): Map<string, Placement> {
  const requests: (AddressRequest & { service: string })[] = [];
  for (const [service, definition] of Object.entries(compose.services)) {
    const node = nodeNames.get(service) as string;
    const request = (network: string, written: string | null, path: Path) =>
      requests.push({ service, node, network, written, path });
    if (definition.network_mode === "host") {
      for (const network of networks.subnets.keys())
        request(network, null, ["services", service, "network_mode"]);
      findings.note(
        "changed",
        at("services", service, "network_mode"),
        `network_mode: host becomes an attacker node on every lab network (${[...networks.subnets.keys()].join(", ")}), at the first free address of each`,
      );
      continue;
    }
    const written = definition.networks;
    if (
      written === undefined ||
      (Array.isArray(written) ? written.length === 0 : Object.keys(written).length === 0)
    ) {
      findings.error(
        at("services", service),
        "is on compose's default network, which has no subnet: give it networks (with ipv4_address)",
      );
      continue;
    }
    const attachments: [string, string | null, Path][] = Array.isArray(written)
      ? written.map((n, i) => [n, null, ["services", service, "networks", i]])
      : Object.entries(written).map(([n, a]) => [
          n,
          a?.ipv4_address ?? null,
          a?.ipv4_address === undefined
            ? ["services", service, "networks", n]
            : ["services", service, "networks", n, "ipv4_address"],
        ]);
    for (const [composeNetwork, address, path] of attachments) {
      const network = networks.names.get(composeNetwork);
      if (network === undefined) {
        findings.error(
          { path },
          `unknown network '${composeNetwork}' (networks: ${[...networks.names.keys()].join(", ") || "none"})`,
        );
        continue;
      }
      if (!Array.isArray(written) && written[composeNetwork]?.aliases !== undefined) {
        findings.note(
          "dropped",
          at("services", service, "networks", composeNetwork, "aliases"),
          "aliases: nodes reach each other by node name",
        );
      }
      request(network, address, path);
    }
  }
  const indices = assignAddresses(requests, networks.cidrs, (path, message) =>
    findings.error({ path }, message),
  );
  const placements = new Map<string, Placement>();
  requests.forEach((request, i) => {
    const index = indices[i];
    const cidr = networks.cidrs.get(request.network);
    const placement = placements.get(request.service) ?? {
      service: request.service,
      node: request.node,
      addresses: new Map<string, string>(),
    };
    placements.set(request.service, placement);
    if (index !== undefined && cidr !== undefined) {
      placement.addresses.set(request.network, formatAddress(cidr.base + index));
    }
  });
  return placements;
}
