// Captures of a lab's networks, named as the topology names them.
import type { Engine } from "../runtime/engine.ts";
import { readLabRecord } from "../runtime/lab-record.ts";
import { LabRequestError } from "./lifecycle.ts";

/** The bridge of network `network` of lab `lab`, where a capture of that network listens. */
export async function networkBridge(engine: Engine, lab: string, network: string): Promise<string> {
  const plan = await readLabRecord(engine, lab);
  if (!plan) throw new LabRequestError(`no lab '${lab}' on this engine`);
  const found = plan.networks.find((n) => n.name === network);
  if (!found) {
    throw new LabRequestError(
      `lab ${lab} has no network '${network}'; its networks: ${plan.networks.map((n) => n.name).join(", ")}`,
    );
  }
  return found.bridgeName;
}
