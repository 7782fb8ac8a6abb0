// The planner: from a resolved topology and a request, everything the runtime needs to build
// one lab instance. Pure: no I/O, the same input always gives the same plan.
import { type Cidr, formatAddress, formatCidr } from "../net/ipv4.ts";
import type { InstanceView } from "../roles/types.ts";
import type { NetworkDef, NodeDef, Topology } from "../topology/model.ts";
import { envList, extraHosts, startCommand } from "./container.ts";
import {
  type LabelContext,
  type NodeSpec,
  networkHash,
  networkLabels,
  nodeHash,
  nodeLabels,
} from "./labels.ts";
import { bridgeName, containerName, networkName, validateLabId, validateOwner } from "./naming.ts";
import { startWaves } from "./order.ts";
import { addResolver, upstreamDns } from "./resolver.ts";
import { applyRoles } from "./roles.ts";
import { addRoutes } from "./routes.ts";
import { allocateSubnets } from "./subnets.ts";
import type { EndpointPlan, LabPlan, NetworkPlan, NodePlan, PlanRequest } from "./types.ts";
import { withValues } from "./values.ts";

export type PlanResult = { ok: true; plan: LabPlan } | { ok: false; error: string };

/**
 * Plans lab `request.lab` of `topology`. Fails when the lab id or owner is invalid or when the
 * pool has no room left; a topology the loader would reject (unknown networks or nodes, cycles)
 * is a programmer error and throws.
 */
export function planLab(written: Topology, request: PlanRequest): PlanResult {
  const invalid = validateLabId(request.lab) ?? validateOwner(request.owner);
  if (invalid !== null) return { ok: false, error: invalid };
  const values = request.values ?? {};
  const missing = written.values.filter((v) => values[v.name] === undefined).map((v) => v.name);
  if (missing.length > 0) return { ok: false, error: `no value for ${missing.join(", ")}` };
  const topology = withValues(written, values);
  const allocation = allocateSubnets(topology.networks, request);
  if (!allocation.ok) return allocation;
  const { subnets } = allocation;

  const context: LabelContext = { lab: request.lab, owner: request.owner, topology: topology.name };
  const networks = topology.networks.map((network) =>
    planNetwork(context, network, subnetOf(subnets, network.name)),
  );
  const endpoints = new Map(
    topology.nodes.map((node) => [node.name, planEndpoints(request.lab, node, subnets)]),
  );
  // Routes go in last, so that their commands come first: before the roles' start commands.
  const withRoles = applyRoles(
    topology.nodes,
    instanceView(request.lab, topology, endpoints, networks),
  )
    .map((node) => addRoutes(node, endpoints, networks))
    // The resolver's file is written before anything else, routes included: it needs nothing.
    .map((node) => addResolver(node, endpoints));
  const nodes = withRoles.map((node) => planNode(context, node, endpoints));
  return {
    ok: true,
    plan: {
      lab: request.lab,
      owner: request.owner,
      topology: topology.name,
      networks,
      nodes,
      startWaves: startWaves(withRoles),
      checks: topology.checks.map((check) => structuredClone(check)),
      ...(written.values.length === 0
        ? {}
        : {
            values: Object.fromEntries(
              written.values.map((v) => [v.name, values[v.name] as string]),
            ),
          }),
    },
  };
}

function planNetwork(context: LabelContext, network: NetworkDef, subnet: Cidr): NetworkPlan {
  const spec = {
    name: network.name,
    dockerName: networkName(context.lab, network.name),
    bridgeName: bridgeName(context.lab, network.name),
    subnet: formatCidr(subnet),
    gateway: formatAddress(subnet.base + 1),
    sniffable: network.sniffable,
  };
  const hash = networkHash(spec);
  return { ...spec, labels: networkLabels(context, network.name, hash), hash };
}

/** The node's address on each network is the instance subnet plus the topology's host part. */
function planEndpoints(
  lab: string,
  node: NodeDef,
  subnets: ReadonlyMap<string, Cidr>,
): EndpointPlan[] {
  return node.attachments.map((attachment) => ({
    network: attachment.network,
    dockerNetwork: networkName(lab, attachment.network),
    address: formatAddress(subnetOf(subnets, attachment.network).base + attachment.hostIndex),
  }));
}

function planNode(
  context: LabelContext,
  node: NodeDef,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
): NodePlan {
  // Copies, so that nothing in the plan aliases the topology.
  const spec: NodeSpec = {
    name: node.name,
    containerName: containerName(context.lab, node.name),
    hostname: node.name,
    image: node.image,
    endpoints: endpoints.get(node.name) ?? [],
    env: envList(node.env),
    extraHosts: extraHosts(node.name, endpoints),
    dns: upstreamDns(node, endpoints),
    files: node.files.map((file) => ({ ...file })),
    start: [...node.start],
    command: startCommand(node.start, node.ready?.command ?? null),
    capabilities: [...node.capabilities],
    sysctls: { ...node.sysctls },
    limits: { ...node.limits },
    ready: node.ready === null ? null : { ...node.ready },
    after: [...node.after],
    user: node.user,
  };
  const hash = nodeHash(spec);
  return { ...spec, labels: nodeLabels(context, node.name, hash), hash };
}

/** The instance as roles see it: its nodes' addresses and its networks. */
function instanceView(
  lab: string,
  topology: Topology,
  endpoints: ReadonlyMap<string, EndpointPlan[]>,
  networks: readonly NetworkPlan[],
): InstanceView {
  return {
    lab,
    nodes: topology.nodes,
    addressOf(node, network) {
      const own = endpoints.get(node) ?? [];
      return (network === undefined ? own[0] : own.find((e) => e.network === network))?.address;
    },
    network(name) {
      const network = networks.find((n) => n.name === name);
      return network && { subnet: network.subnet, gateway: network.gateway };
    },
  };
}

function subnetOf(subnets: ReadonlyMap<string, Cidr>, network: string): Cidr {
  const subnet = subnets.get(network);
  if (subnet === undefined) throw new Error(`no network '${network}' in the topology`);
  return subnet;
}
