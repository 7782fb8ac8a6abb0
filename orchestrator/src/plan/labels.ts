// The labels on a lab's Docker objects, and the hashes they carry. A hash covers exactly what
// Docker fixes at creation, so `up` recreates an object when, and only when, that changed. The
// owner is a label, not part of the spec: handing a lab to someone else recreates nothing.
// LABELS.spec is added by the runtime, which serialises the plan.
import { stableHash } from "./hash.ts";
import { LABELS, type NetworkPlan, type NodePlan, PLAN_FORMAT } from "./types.ts";

export interface LabelContext {
  lab: string;
  owner: string;
  topology: string;
}

export type NetworkSpec = Omit<NetworkPlan, "labels" | "hash">;
export type NodeSpec = Omit<NodePlan, "labels" | "hash">;

export function networkHash(network: NetworkSpec): string {
  const { subnet, gateway, sniffable, bridgeName } = network;
  return stableHash({ subnet, gateway, sniffable, bridgeName });
}

/**
 * Leaves out `name` and `containerName` (they identify the container), `after` (it orders) and
 * `user` (only terminals use it).
 */
export function nodeHash(node: NodeSpec): string {
  const { image, endpoints, env, extraHosts, dns, files, command } = node;
  const { capabilities, sysctls, limits, ready, hostname } = node;
  return stableHash({
    image,
    endpoints,
    env,
    extraHosts,
    dns,
    files,
    command,
    capabilities,
    sysctls,
    limits,
    ready,
    hostname,
  });
}

export function networkLabels(
  context: LabelContext,
  network: string,
  hash: string,
): Record<string, string> {
  return { ...labLabels(context), [LABELS.network]: network, [LABELS.hash]: hash };
}

export function nodeLabels(
  context: LabelContext,
  node: string,
  hash: string,
): Record<string, string> {
  return { ...labLabels(context), [LABELS.node]: node, [LABELS.hash]: hash };
}

/** The labels every object of a lab carries. */
export function labLabels(context: LabelContext): Record<string, string> {
  return {
    [LABELS.managed]: PLAN_FORMAT,
    [LABELS.lab]: context.lab,
    [LABELS.owner]: context.owner,
    [LABELS.topology]: context.topology,
  };
}
