// Waits until a started node is ready: its container is running, its start commands have all
// returned (the started marker exists), and its ready command, if the topology gives one, exits 0.
import { STARTED_MARKER } from "../plan/container.ts";
import type { NodePlan } from "../plan/types.ts";
import { DEFAULT_READY_TIMEOUT_SECONDS } from "../topology/model.ts";
import { containerLogsTail } from "./containers.ts";
import type { Engine } from "./engine.ts";
import { execCapture } from "./exec.ts";

export class NotReadyError extends Error {}

// Pauses between checks double from 25 ms up to 250 ms: most nodes are ready within tens of
// milliseconds of their start (a shell, then a daemon binding its port), which a fixed 250 ms
// pause overshot, while a slow node is still checked at most four times a second.
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

export async function waitReady(engine: Engine, id: string, node: NodePlan): Promise<void> {
  // With nothing to run and nothing to check, a node is ready once Docker has started it.
  if (node.start.length === 0 && !node.ready) return;
  // Start commands alone get the same time as a topology's ready check would by default.
  const timeoutSeconds = node.ready?.timeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS;
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
    const { State } = await engine.containers.inspect(id);
    if (!State.Running) {
      const logs = await containerLogsTail(engine, id);
      throw new NotReadyError(
        `node ${node.name} stopped (exit status ${State.ExitCode}) while starting${logs ? `:\n${logs}` : ""}`,
      );
    }
    const check = node.ready
      ? `test -e ${STARTED_MARKER} && { ${node.ready.command}\n}`
      : `test -e ${STARTED_MARKER}`;
    const result = await execCapture(engine, id, ["/bin/sh", "-c", check]);
    if (result.exitCode === 0) return;
    const lastOutput = `${result.stdout}${result.stderr}`.trim();
    if (Date.now() > deadline) {
      const logs = await containerLogsTail(engine, id);
      throw new NotReadyError(
        `node ${node.name} not ready after ${timeoutSeconds} s: ${node.ready ? `'${node.ready.command}' exited ${result.exitCode}${lastOutput ? `: ${lastOutput}` : ""}` : "its start commands have not finished"}${logs ? `\n${logs}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}
