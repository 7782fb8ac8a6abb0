// Lab networks: internal Docker bridges with a fixed subnet and a bridge name socketlab chose.
import type { NetworkPlan } from "../plan/types.ts";
import { type Engine, isNotFound } from "./engine.ts";

export class SubnetConflictError extends Error {}

export async function createNetwork(engine: Engine, plan: NetworkPlan): Promise<void> {
  try {
    await engine.createNetwork({
      Name: plan.dockerName,
      Driver: "bridge",
      // No route out of the lab; Docker's isolation rules also keep other bridges away.
      Internal: true,
      CheckDuplicate: true,
      IPAM: { Driver: "default", Config: [{ Subnet: plan.subnet, Gateway: plan.gateway }] },
      Options: {
        "com.docker.network.bridge.name": plan.bridgeName,
        "com.docker.network.bridge.enable_ip_masquerade": "false",
      },
      Labels: plan.labels,
    });
  } catch (error) {
    // Another network took the subnet since we planned: the caller plans again.
    if (/overlaps/i.test(String((error as Error).message))) {
      throw new SubnetConflictError(`subnet ${plan.subnet} was taken meanwhile`);
    }
    throw error;
  }
}

export async function removeNetwork(engine: Engine, id: string): Promise<void> {
  try {
    await engine.getNetwork(id).remove();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
