// Stopping a lab while nobody uses it, and resuming it: the containers are kept (with every file
// a student wrote), so a resumed lab has the same containers, addresses and files.
import { validateLabId } from "../plan/naming.ts";
import { type ConvergeReport, converge } from "../runtime/converge.ts";
import type { Engine } from "../runtime/engine.ts";
import { readLabRecord } from "../runtime/lab-record.ts";
import { stopLabNodes } from "../runtime/stop.ts";
import { LabRequestError } from "./lifecycle.ts";

/** Stops every node of the lab; returns the nodes stopped. */
export async function stopLab(engine: Engine, lab: string): Promise<string[]> {
  const labError = validateLabId(lab);
  if (labError) throw new LabRequestError(labError);
  return stopLabNodes(engine, lab);
}

/**
 * Starts a stopped lab again by converging it to its record: stopped containers are started as
 * they are, on the image they were made from even when it was rebuilt meanwhile.
 */
export async function resumeLab(engine: Engine, lab: string): Promise<ConvergeReport> {
  const plan = await readLabRecord(engine, lab);
  if (!plan) throw new LabRequestError(`no lab '${lab}' on this engine`);
  return converge(engine, plan, "keep");
}
