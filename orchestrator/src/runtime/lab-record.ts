// The lab record: the whole plan of a lab instance, kept on the engine as the label of an empty
// Docker volume. Networks and containers carry only their own hash; the record is what lets a
// fresh process show, reset or rebuild a lab whose containers were removed from outside.
// Docker labels cannot be changed, so a changed plan replaces the volume (it is never mounted).

import { labLabels } from "../plan/labels.ts";
import type { LabPlan } from "../plan/types.ts";
import { LABELS } from "../plan/types.ts";
import { type Engine, isNotFound } from "./engine.ts";

const PLAN_LABEL = "io.socketlab.plan";

export function recordName(lab: string): string {
  return `sl_${lab}`;
}

function recordLabels(plan: LabPlan): Record<string, string> {
  return { ...labLabels(plan), [PLAN_LABEL]: JSON.stringify(plan) };
}

export async function writeLabRecord(engine: Engine, plan: LabPlan): Promise<void> {
  const labels = recordLabels(plan);
  const current = await readLabRecord(engine, plan.lab);
  if (current && JSON.stringify(current) === labels[PLAN_LABEL]) return;
  if (current) await removeLabRecord(engine, plan.lab);
  await engine.volumes.create({ Name: recordName(plan.lab), Labels: labels });
}

export async function readLabRecord(engine: Engine, lab: string): Promise<LabPlan | null> {
  try {
    const volume = await engine.volumes.inspect(recordName(lab));
    return parsePlan(volume.Labels?.[PLAN_LABEL]);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * When the lab's record was written on the engine, epoch ms; null: no record. Of two copies of a
 * lab on two engines (a pool's lab re-placed while its engine was away), the later is current.
 */
export async function labRecordWrittenAt(engine: Engine, lab: string): Promise<number | null> {
  try {
    const volume = await engine.volumes.inspect(recordName(lab));
    const written = Date.parse(volume.CreatedAt ?? "");
    return Number.isNaN(written) ? null : written;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export async function listLabRecords(engine: Engine): Promise<LabPlan[]> {
  const volumes = await engine.volumes.list({ labels: [LABELS.managed] });
  return volumes
    .map((volume) => parsePlan(volume.Labels?.[PLAN_LABEL]))
    .filter((plan): plan is LabPlan => plan !== null)
    .sort((a, b) => a.lab.localeCompare(b.lab));
}

export async function removeLabRecord(engine: Engine, lab: string): Promise<void> {
  try {
    await engine.volumes.remove(recordName(lab));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

function parsePlan(text: string | undefined): LabPlan | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as LabPlan;
  } catch {
    return null;
  }
}
