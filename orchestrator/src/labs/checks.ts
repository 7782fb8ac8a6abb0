// Runs a lab's checks: each task's command on its node or in a probe, all at once, from the lab
// record alone (so any process can check any lab). A check passes when its command exits 0 in
// time. Probe checks that name the same networks share one probe, made for this run.
import { GATE_CHECK } from "../plan/container.ts";
import type { Engine } from "../runtime/engine.ts";
import { errorMessage } from "../runtime/engine.ts";
import { ExecTimeoutError, execCapture } from "../runtime/exec.ts";
import { labInventory } from "../runtime/inventory.ts";
import { withProbe } from "../runtime/probe.ts";
import type { CheckDef, CheckVantage } from "../topology/model.ts";
import { requireRecord } from "./lifecycle.ts";

export interface CheckResult {
  id: string;
  task: string;
  /** Where it ran: on a node the student is root in, or from socketlab's probe. */
  vantage: CheckVantage;
  /** The node it ran on; null from the probe. */
  node: string | null;
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

// The command under `timeout` (TERM, then KILL 2 s later), its errors with its output and only
// the output's last bytes kept there, so a command that writes without end costs nothing here.
// bash for PIPESTATUS: the command's status, not tail's. $0 is the timeout, $1 the command.
const TIMED_COMMAND = `timeout -k 2 "$0" /bin/sh -c "$1" 2>&1 | tail -c ${CHECK_OUTPUT_BYTES + 1}; exit "\${PIPESTATUS[0]}"`;
/** On a node: nothing runs while its lab's host rules are not in place yet (its gate is shut). */
const NODE_WRAPPER = `${GATE_CHECK}; ${TIMED_COMMAND}`;
/** In a probe, which socketlab makes for the run on networks already guarded: no gate. */
const PROBE_WRAPPER = TIMED_COMMAND;

/** Every check of the lab, in the topology's order. A lab without checks gives []. */
export async function runChecks(engine: Engine, lab: string): Promise<CheckResult[]> {
  const plan = await requireRecord(engine, lab);
  const checks = plan.checks ?? [];
  const inventory = await labInventory(engine, lab);
  const running = new Map(
    inventory.containers.filter((c) => c.state === "running").map((c) => [c.name, c.id]),
  );
  const results = new Map<string, Promise<CheckResult>>();
  for (const check of checks) {
    if (check.vantage !== "probe") {
      // Records written before vantages existed hold node checks without one.
      const node = (check as { node: string }).node;
      const container = running.get(node);
      results.set(
        check.id,
        container === undefined
          ? Promise.resolve(failed(check, node, `node ${node} is not running`))
          : runCheck(engine, check, node, container),
      );
    }
  }
  for (const [, group] of probeGroups(checks)) {
    const run = withProbe(engine, plan, group[0]?.networks ?? [], (probe) =>
      Promise.all(group.map((check) => runCheck(engine, check, null, probe))),
    );
    group.forEach((check, i) => {
      results.set(
        check.id,
        run.then(
          (done) => done[i] as CheckResult,
          (error) => failed(check, null, `the probe did not start: ${errorMessage(error)}`),
        ),
      );
    });
  }
  return Promise.all(checks.map((check) => results.get(check.id) as Promise<CheckResult>));
}

type ProbeCheck = Extract<CheckDef, { vantage: "probe" }>;

/** Probe checks by the networks they name (in any order): one probe serves each group. */
function probeGroups(checks: readonly CheckDef[]): Map<string, ProbeCheck[]> {
  const groups = new Map<string, ProbeCheck[]>();
  for (const check of checks) {
    if (check.vantage !== "probe") continue;
    const key = check.networks.toSorted().join(",");
    groups.set(key, [...(groups.get(key) ?? []), check]);
  }
  return groups;
}

function failed(check: CheckDef, node: string | null, output: string): CheckResult {
  const { id, task } = check;
  const vantage = node === null ? "probe" : "node";
  return { id, task, vantage, node, passed: false, exitCode: null, output };
}

async function runCheck(
  engine: Engine,
  check: CheckDef,
  node: string | null,
  container: string,
): Promise<CheckResult> {
  const { id, task } = check;
  const vantage = node === null ? "probe" : "node";
  try {
    const result = await execCapture(
      engine,
      container,
      [
        "/bin/bash",
        "-c",
        node === null ? PROBE_WRAPPER : NODE_WRAPPER,
        String(check.timeoutSeconds),
        check.command,
      ],
      // The node's own `tail` bounds the output only as long as the student leaves it alone.
      {
        timeoutMs: check.timeoutSeconds * 1000 + ENGINE_GRACE_MS,
        maxOutputBytes: CHECK_OUTPUT_BYTES,
      },
    );
    let output = outputTail(result.stdout + result.stderr, CHECK_OUTPUT_BYTES, result.truncated);
    if (result.exitCode === TIMED_OUT) {
      output += `${output === "" || output.endsWith("\n") ? "" : "\n"}(timed out after ${check.timeoutSeconds} s)`;
    }
    const { exitCode } = result;
    return { id, task, vantage, node, passed: exitCode === 0, exitCode, output };
  } catch (error) {
    if (!(error instanceof ExecTimeoutError)) return failed(check, node, errorMessage(error));
    // The command's `timeout` did not end it (the node's tools replaced, or a process that
    // ignores signals): what it wrote, and that it never ended.
    const { stdout, stderr, truncated } = error.partial;
    const output = outputTail(stdout + stderr, CHECK_OUTPUT_BYTES, truncated);
    return failed(
      check,
      node,
      `${output}${output === "" || output.endsWith("\n") ? "" : "\n"}(did not end ${ENGINE_GRACE_MS / 1000} s after its timeout of ${check.timeoutSeconds} s)`,
    );
  }
}

/** The output's last `maxBytes`, marked when something was cut (here, or before: `cut`). */
export function outputTail(output: string, maxBytes: number, cut = false): string {
  const bytes = Buffer.from(output, "utf8");
  if (bytes.length <= maxBytes) return cut ? `…${output}` : output;
  return `…${bytes.subarray(bytes.length - maxBytes).toString("utf8")}`;
}
