// Stopping a lab's containers without removing them: their file systems, addresses and networks
// stay, and `converge` starts them again (a kept container that is not running is started).
// Their restart policy, `unless-stopped`, keeps a stopped container stopped across engine
// restarts, so a stopped lab stays stopped until it is resumed.
import { type Engine, hasStatus, isNotFound } from "./engine.ts";
import { labInventory } from "./inventory.ts";

/** Seconds a node gets to exit on SIGTERM before SIGKILL; Docker's init forwards the signal. */
const STOP_GRACE_S = 5;

/** Stops every running container of `lab`; returns the names of the nodes it stopped. */
export async function stopLabNodes(engine: Engine, lab: string): Promise<string[]> {
  const { containers } = await labInventory(engine, lab);
  const running = containers.filter((c) => c.state === "running" || c.state === "restarting");
  await Promise.all(
    running.map(async (c) => {
      try {
        await engine.containers.stop(c.id, STOP_GRACE_S);
      } catch (error) {
        // 304: stopped meanwhile; 404: removed meanwhile.
        if (!hasStatus(error, 304) && !isNotFound(error)) throw error;
      }
    }),
  );
  return running.map((c) => c.name);
}
