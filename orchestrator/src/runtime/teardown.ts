// Taking labs apart: a whole lab, or its nodes so that `converge` builds them afresh.
import { removeContainer } from "./containers.ts";
import type { Engine } from "./engine.ts";
import { unguardBridges } from "./host-guard.ts";
import { labInventory } from "./inventory.ts";
import { removeLabRecord } from "./lab-record.ts";
import { removeNetwork } from "./networks.ts";
import { removeProbes } from "./probe.ts";

/** Removes every container, network, host rule and the record of a lab. Safe to repeat. */
export async function destroyLab(engine: Engine, lab: string): Promise<void> {
  const inventory = await labInventory(engine, lab);
  await Promise.all([
    ...inventory.containers.map((c) => removeContainer(engine, c.id)),
    removeProbes(engine, lab),
  ]);
  await unguardBridges(
    engine,
    inventory.networks.map((n) => n.bridgeName),
  );
  await Promise.all(inventory.networks.map((n) => removeNetwork(engine, n.id)));
  // Last, so that a destroy cut short can still be found and finished.
  await removeLabRecord(engine, lab);
}

/** Removes every node's container of a lab; its networks, host rules and record stay. */
export async function removeLabNodes(engine: Engine, lab: string): Promise<void> {
  const inventory = await labInventory(engine, lab);
  await Promise.all(inventory.containers.map((c) => removeContainer(engine, c.id)));
}
