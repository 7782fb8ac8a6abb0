// Lab networks: internal Docker bridges with a fixed subnet and a bridge name socketlab chose.

import { setTimeout } from "node:timers/promises";
import type { NetworkPlan } from "../plan/types.ts";
import { type Engine, errorMessage, isNotFound } from "./engine.ts";

export class SubnetConflictError extends Error {}

export async function createNetwork(engine: Engine, plan: NetworkPlan): Promise<void> {
  try {
    await engine.networks.create({
      Name: plan.dockerName,
      // No route out of the lab; Docker's isolation rules also keep other bridges away.
      Internal: true,
      Subnet: plan.subnet,
      Gateway: plan.gateway,
      Options: {
        "com.docker.network.bridge.name": plan.bridgeName,
        "com.docker.network.bridge.enable_ip_masquerade": "false",
      },
      Labels: plan.labels,
    });
  } catch (error) {
    // Another network took the subnet since we planned: the caller plans again.
    if (/overlaps/i.test(errorMessage(error))) {
      throw new SubnetConflictError(`subnet ${plan.subnet} was taken meanwhile`);
    }
    throw error;
  }
}

/**
 * Docker 20.10 now and then keeps counting an endpoint on a network after its last container is
 * gone: removal answers "has active endpoints" though no container is attached, and only a
 * dockerd restart clears the count (seen here three times in a day of test runs, on different
 * labs). Such a network is tried again for a few seconds, then left with a warning rather than
 * failing a whole take-down: it holds no node and no host rule, and no listing shows it as a lab;
 * after a dockerd restart, `socketlab down ID` removes it (it keeps its lab label).
 */
export async function removeNetwork(
  engine: Engine,
  id: string,
  retry = { tries: 5, delayMs: 1000 },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await engine.networks.remove(id);
      return;
    } catch (error) {
      if (isNotFound(error)) return;
      if (!/has active endpoints/.test(errorMessage(error))) throw error;
      const network = await engine.networks.inspect(id);
      if (Object.keys(network.Containers ?? {}).length > 0) throw error;
      if (attempt >= retry.tries) {
        process.emitWarning(
          `Docker keeps a stale endpoint on network ${network.Name} (no container is attached): it is left behind until dockerd restarts`,
          { code: STALE_ENDPOINT_WARNING },
        );
        return;
      }
      await setTimeout(retry.delayMs);
    }
  }
}

/** The code of the process warning about a network left behind (see removeNetwork). */
export const STALE_ENDPOINT_WARNING = "SOCKETLAB_STALE_ENDPOINT";
