// Taking labs apart: a whole lab, or nodes of it so that `converge` builds them afresh.
import { setTimeout } from "node:timers/promises";
import { removeContainer } from "./containers.ts";
import { type Engine, errorMessage } from "./engine.ts";
import { unguardBridges } from "./host-guard.ts";
import { labInventory } from "./inventory.ts";
import { removeLabRecord } from "./lab-record.ts";
import { removeNetwork } from "./networks.ts";

/** Removes every container, network, host rule and the record of a lab. Safe to repeat. */
export async function destroyLab(engine: Engine, lab: string): Promise<void> {
  const inventory = await labInventory(engine, lab);
  await Promise.all(inventory.containers.map((c) => removeContainer(engine, c.id)));
  await unguardBridges(
    engine,
    inventory.networks.map((n) => n.bridgeName),
  );
  await Promise.all(
    inventory.networks.map((n) => removeLabNetwork(engine, n.id, `${lab}'s network ${n.name}`)),
  );
  // Last, so that a destroy cut short can still be found and finished.
  await removeLabRecord(engine, lab);
}

const STALE_ENDPOINT_TRIES = 5;

/**
 * Docker 20.10 now and then keeps counting an endpoint on a network after its last container is
 * gone: removal answers "has active endpoints" though no container is attached, and only a
 * dockerd restart clears the count (seen here in about one full test run in four, on different
 * labs). Such a network is tried again for a few seconds, then left with a warning rather than
 * failing the whole take-down: it holds no node and no host rule, and no listing shows it as a
 * lab; after a dockerd restart, `socketlab down ID` removes it (it keeps its lab label).
 */
async function removeLabNetwork(engine: Engine, id: string, what: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await removeNetwork(engine, id);
    } catch (error) {
      if (!/has active endpoints/.test(errorMessage(error))) throw error;
      const attached = (await engine.getNetwork(id).inspect()).Containers ?? {};
      if (Object.keys(attached).length > 0) throw error;
      if (attempt === STALE_ENDPOINT_TRIES) {
        process.emitWarning(
          `Docker keeps a stale endpoint on ${what} (no container is attached): the network is left behind until dockerd restarts`,
          { code: "SOCKETLAB_STALE_ENDPOINT" },
        );
        return;
      }
      await setTimeout(1000);
    }
  }
}

/** Removes the containers of the named nodes (all when `nodes` is empty). */
export async function removeNodes(engine: Engine, lab: string, nodes: string[]): Promise<void> {
  const inventory = await labInventory(engine, lab);
  const doomed = inventory.containers.filter((c) => nodes.length === 0 || nodes.includes(c.name));
  await Promise.all(doomed.map((c) => removeContainer(engine, c.id)));
}
