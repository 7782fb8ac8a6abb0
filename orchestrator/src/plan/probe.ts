// The probe: a container of socketlab's own from which checks with `vantage: probe` run. It is
// no node of the lab (no node label, no terminal, no exec route for anyone), is attached to the
// lab networks its checks name, and lives for one run of the checks. Its definition is planned
// here, without I/O, from the lab's plan.
import { formatAddress, parseAddress, parseCidr } from "../net/ipv4.ts";
import { sharedEndpoint } from "./container.ts";
import { type EndpointPlan, LABELS, type LabPlan, PLAN_FORMAT } from "./types.ts";

/** Checks from the probe use the tools of the client role's image (curl, dig, nc, openssl...). */
export const PROBE_IMAGE = "socketlab/client:latest";

/**
 * Marks a probe, with its lab as the value. A probe carries no lab label, so nothing that lists a
 * lab's nodes (status, converge, stop, terminals) ever sees one.
 */
export const PROBE_LABEL = "io.socketlab.probe";

/** Bounded like a small node: a check that forks or allocates without end stops there. */
export const PROBE_LIMITS = { memoryBytes: 128 * 1024 * 1024, nanoCpus: 500_000_000, pids: 128 };

export interface ProbePlan {
  containerName: string;
  image: string;
  /** On each network the checks name, in their order; the first is attached at creation. */
  endpoints: EndpointPlan[];
  /** `name:address` for each node of the lab, preferring an address on the probe's networks. */
  extraHosts: string[];
  labels: Record<string, string>;
}

/**
 * The probe of `plan`'s lab on `networks`. `run` tells apart probes of runs at the same time
 * (letters and digits); `attempt` moves every address down one place, for when another probe
 * took it meanwhile. Addresses are taken from the top of each subnet, below every node's, since
 * Docker hands out addresses from the bottom and a node being recreated needs its own back.
 */
export function planProbe(
  plan: LabPlan,
  networks: readonly string[],
  run: string,
  attempt = 0,
): ProbePlan {
  const endpoints = networks.map((name): EndpointPlan => {
    const network = plan.networks.find((n) => n.name === name);
    if (network === undefined) throw new Error(`lab ${plan.lab} has no network '${name}'`);
    return {
      network: name,
      dockerNetwork: network.dockerName,
      address: freeAddress(plan, name, attempt),
    };
  });
  const extraHosts = plan.nodes.flatMap((node) => {
    const endpoint = sharedEndpoint(endpoints, node.endpoints) ?? node.endpoints[0];
    return endpoint === undefined ? [] : [`${node.name}:${endpoint.address}`];
  });
  return {
    containerName: `sl_${plan.lab}_probe-${run}`,
    image: PROBE_IMAGE,
    endpoints,
    extraHosts,
    labels: { [LABELS.managed]: PLAN_FORMAT, [PROBE_LABEL]: plan.lab },
  };
}

function freeAddress(plan: LabPlan, network: string, attempt: number): string {
  const subnet = parseCidr(plan.networks.find((n) => n.name === network)?.subnet ?? "");
  if (!subnet.ok) throw new Error(`lab ${plan.lab}: network '${network}' has no subnet`);
  const { base, prefix } = subnet.cidr;
  const used = new Set(
    plan.nodes.flatMap((node) =>
      node.endpoints.filter((e) => e.network === network).map((e) => parseAddress(e.address)),
    ),
  );
  const broadcast = base + 2 ** (32 - prefix) - 1;
  let skipped = 0;
  // The gateway is the subnet's first address: never reached from the top before the nodes'.
  for (let address = broadcast - 1; address > base + 1; address--) {
    if (used.has(address)) continue;
    if (skipped++ === attempt) return formatAddress(address);
  }
  throw new Error(`lab ${plan.lab}: network '${network}' has no free address for a probe`);
}
