// Runs a lab's checks: each task's command on its node, all at once, from the lab record alone
// (so any process can check any lab). A check passes when its command exits 0 in time.
import { GATE_CHECK } from "../plan/container.ts";
import type { Engine } from "../runtime/engine.ts";
import { errorMessage } from "../runtime/engine.ts";
import { ExecTimeoutError, execCapture } from "../runtime/exec.ts";
import { labInventory } from "../runtime/inventory.ts";
import type { CheckDef } from "../topology/model.ts";
import { requireRecord } from "./lifecycle.ts";

export interface CheckResult {
  id: string;
  task: string;
  node: string;
  passed: boolean;
  /** The command's exit status; null when it could not be run or never ended. */
  exitCode: number | null;
  /** Its output and errors, interleaved; only the end of a long one. */
  output: string;
}

/** Bytes of output kept per check: enough for an error message, bounded whatever the command. */
export const CHECK_OUTPUT_BYTES = 4096;

/** What `timeout` exits with when it stopped the command. */
const TIMED_OUT = 124;
/** Beyond the check's own timeout: `timeout -k` needs 2 s to kill, and the exec round trip. */
const ENGINE_GRACE_MS = 10_000;

// In the node: the command under `timeout` (TERM, then KILL 2 s later), its errors with its output
// and only the output's last bytes kept there, so a command that writes without end costs nothing
// here; nothing on a node whose host rules are not in place yet. bash for PIPESTATUS: the command's status, not tail's. $0 is the timeout, $1 the command.
const WRAPPER = `${GATE_CHECK}; timeout -k 2 "$0" /bin/sh -c "$1" 2>&1 | tail -c ${CHECK_OUTPUT_BYTES + 1}; exit "\${PIPESTATUS[0]}"`;

/** Every check of the lab, in the topology's order. A lab without checks gives []. */
export async function runChecks(engine: Engine, lab: string): Promise<CheckResult[]> {
  const plan = await requireRecord(engine, lab);
  const inventory = await labInventory(engine, lab);
  const running = new Map(
    inventory.containers.filter((c) => c.state === "running").map((c) => [c.name, c.id]),
  );
  return Promise.all((plan.checks ?? []).map((check) => runCheck(engine, check, running)));
}

async function runCheck(
  engine: Engine,
  check: CheckDef,
  running: ReadonlyMap<string, string>,
): Promise<CheckResult> {
  const { id, task, node } = check;
  const failed = (output: string) => ({ id, task, node, passed: false, exitCode: null, output });
  const container = running.get(node);
  if (container === undefined) return failed(`node ${node} is not running`);
  try {
    const result = await execCapture(
      engine,
      container,
      ["/bin/bash", "-c", WRAPPER, String(check.timeoutSeconds), check.command],
      // The node's own `tail` bounds the output only as long as the student leaves it alone.
      {
        timeoutMs: check.timeoutSeconds * 1000 + ENGINE_GRACE_MS,
        maxOutputBytes: CHECK_OUTPUT_BYTES,
      },
    );
    let output = keepEnd(result.stdout + result.stderr, result.truncated);
    if (result.exitCode === TIMED_OUT) {
      output += `${output === "" || output.endsWith("\n") ? "" : "\n"}(timed out after ${check.timeoutSeconds} s)`;
    }
    return { id, task, node, passed: result.exitCode === 0, exitCode: result.exitCode, output };
  } catch (error) {
    if (!(error instanceof ExecTimeoutError)) return failed(errorMessage(error));
    // The command's `timeout` did not end it (the node's tools replaced, or a process that
    // ignores signals): what it wrote, and that it never ended.
    const { stdout, stderr, truncated } = error.partial;
    const output = keepEnd(stdout + stderr, truncated);
    return failed(
      `${output}${output === "" || output.endsWith("\n") ? "" : "\n"}(did not end ${ENGINE_GRACE_MS / 1000} s after its timeout of ${check.timeoutSeconds} s)`,
    );
  }
}

/** The output's last CHECK_OUTPUT_BYTES, marked when something was cut (here or before). */
function keepEnd(output: string, cut: boolean): string {
  const bytes = Buffer.from(output, "utf8");
  if (bytes.length <= CHECK_OUTPUT_BYTES) return cut ? `…${output}` : output;
  return `…${bytes.subarray(bytes.length - CHECK_OUTPUT_BYTES).toString("utf8")}`;
}
