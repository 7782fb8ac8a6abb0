// Waits until a started node is ready: its start commands have all returned and its ready check,
// if the topology gives one, has passed (the node's own start script runs the check and then
// writes the started marker, see plan/container.ts). One exec per node waits for the marker
// inside the node, blocked on a FIFO, so readiness costs the engine O(1) calls per node and the
// node no CPU, however long it takes.
import { OPEN_GATE_SCRIPT, READY_LOG, waitReadyScript } from "../plan/container.ts";
import type { NodePlan } from "../plan/types.ts";
import { DEFAULT_READY_TIMEOUT_SECONDS } from "../topology/model.ts";
import { containerLogsTail } from "./containers.ts";
import type { Engine } from "./engine.ts";
import { execCapture } from "./exec.ts";

export class NotReadyError extends Error {}

// What of the ready check's last output a "not ready" message shows.
const READY_LOG_BYTES = 2000;

/** Lets a started node run (its host rules are in place): see GATE_DIR. */
export async function openGate(engine: Engine, id: string): Promise<void> {
  const result = await execCapture(engine, id, ["/bin/sh", "-c", OPEN_GATE_SCRIPT]);
  if (result.exitCode !== 0) throw new Error(`could not open the node's gate: ${result.stderr}`);
}

/** Whether a node has start commands or a ready check to wait for (else its gate is all). */
export function runsAtStart(node: Pick<NodePlan, "start" | "ready">): boolean {
  return node.start.length > 0 || node.ready !== null;
}

/**
 * Opens the gate of a node that runsAtStart (its host rules must be in place) and waits until
 * it is ready.
 */
export async function waitReady(engine: Engine, id: string, node: NodePlan): Promise<void> {
  // Start commands alone get the same time as a topology's ready check would by default.
  const timeoutSeconds = node.ready?.timeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS;
  const startedAt = (await engine.containers.inspect(id)).State.StartedAt;
  // The wait bounds itself too (at twice the deadline, as a loaded node's pauses run long), so
  // that a wait the service gave up on does not stay behind in the node.
  const wait = waitReadyScript(2 * timeoutSeconds);
  // A timeout, or a node that stopped under the exec, rejects: both are looked at below.
  const waited = await execCapture(engine, id, ["/bin/sh", "-c", wait], {
    timeoutMs: timeoutSeconds * 1000,
  })
    .then((result) => result.exitCode === 0)
    .catch(() => false);
  if (waited) return;

  // Not ready: either the node stopped (its start script failed; the engine may have restarted
  // it since) or it is still at work when its time is up.
  const { State } = await engine.containers.inspect(id);
  const logs = await containerLogsTail(engine, id).catch(() => "");
  if (!State.Running || State.StartedAt !== startedAt) {
    const status = State.Running ? "it was restarted" : `exit status ${State.ExitCode}`;
    throw new NotReadyError(
      `node ${node.name} stopped (${status}) while starting${logs ? `:\n${logs}` : ""}`,
    );
  }
  const why = node.ready
    ? `'${node.ready.command}' has not passed${await lastReadyOutput(engine, id)}`
    : "its start commands have not finished";
  throw new NotReadyError(
    `node ${node.name} not ready after ${timeoutSeconds} s: ${why}${logs ? `\n${logs}` : ""}`,
  );
}

async function lastReadyOutput(engine: Engine, id: string): Promise<string> {
  const result = await execCapture(engine, id, [
    "/bin/sh",
    "-c",
    `tail -c ${READY_LOG_BYTES} ${READY_LOG} 2>/dev/null`,
  ]).catch(() => undefined);
  const output = result?.stdout.trim();
  return output ? `: ${output}` : "";
}
