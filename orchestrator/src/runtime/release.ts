// Letting lab nodes run after the engine started them by itself (its restart, a reboot, a node's
// restart policy): their host rules go back first (the catch-all, each bridge's rules, hub mode),
// then their gates open (plan/container.ts). Until then they run nothing of the student's.
import { LABELS } from "../plan/types.ts";
import type { Engine } from "./engine.ts";
import { GUARD_CONTAINER, guardBridges } from "./host-guard.ts";
import { readLabRecord } from "./lab-record.ts";
import { openGate } from "./readiness.ts";

/** A running lab node, and when the engine last started it. */
export interface StartedNode {
  id: string;
  lab: string;
  startedAt: string;
}

/** When the engine last started the host guard; null when it does not run. */
export async function guardStartedAt(engine: Engine): Promise<string | null> {
  return engine.containers.inspect(GUARD_CONTAINER).then(
    (guard) => (guard.State.Running ? guard.State.StartedAt : null),
    () => null,
  );
}

/** Every running lab node of the engine. */
export async function startedNodes(engine: Engine): Promise<StartedNode[]> {
  const containers = await engine.containers.list({ labels: [LABELS.node] });
  return Promise.all(
    containers.map(async (c) => ({
      id: c.Id,
      lab: c.Labels?.[LABELS.lab] ?? "",
      startedAt: (await engine.containers.inspect(c.Id)).State.StartedAt,
    })),
  );
}

/** Puts the host rules of `lab` back, then opens the gates of `nodes` (containers of it). */
export async function releaseNodes(engine: Engine, lab: string, nodes: string[]): Promise<void> {
  const plan = await readLabRecord(engine, lab);
  if (!plan) return;
  await guardBridges(engine, plan.networks);
  await Promise.all(nodes.map((id) => openGate(engine, id)));
}
