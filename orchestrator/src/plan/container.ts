// The parts of a container's definition derived from its node: environment, host entries and
// the command that runs the node's start commands.
import type { EndpointPlan } from "./types.ts";

/** `KEY=value` for Docker, sorted by key so that the node's hash ignores the order written. */
export function envList(env: Record<string, string>): string[] {
  return Object.keys(env)
    .sort()
    .map((key) => `${key}=${env[key]}`);
}

/**
 * A tmpfs, empty at every start of the container: its `open` file is written by socketlab (an
 * exec) once the host rules of the node's bridges are in place. Until then the node's command
 * waits and a login shell or a check refuses to run, so that a node Docker starts by itself (an
 * engine's restart, a reboot) runs nothing of the student's before the host guard is back.
 */
export const GATE_DIR = "/run/socketlab-gate";
export const GATE_OPEN = `${GATE_DIR}/open`;
/** What a login shell or a check exits with on a node whose gate is shut. */
export const GATE_SHUT_EXIT = 75;
/** A shell line that ends with GATE_SHUT_EXIT unless the gate is open. */
export const GATE_CHECK = `[ -e ${GATE_OPEN} ] || { echo "socketlab: this node is starting (its host rules are not in place yet); try again in a moment" >&2; exit ${GATE_SHUT_EXIT}; }`;

/**
 * A FIFO in the gate folder that the start script blocks on (no poll) until socketlab opens the
 * gate and writes a line to it.
 */
export const GATE_WAKE = `${GATE_DIR}/wake`;

/**
 * Written when the start commands have all returned and the ready check passed: the node is
 * ready. In the gate folder, so that a restarted container never shows the last start's marker.
 */
export const STARTED_MARKER = `${GATE_DIR}/started`;
/** A FIFO in the gate folder on which socketlab's readiness wait blocks until the marker is written. */
export const READY_WAKE = `${GATE_DIR}/ready`;
/** The ready check's output from its last try: what a "not ready" message shows. */
export const READY_LOG = "/run/socketlab-ready.log";

/**
 * Writes a line to a FIFO without ever blocking (opened read-write: no wait for a reader, and the
 * line stays in the pipe while a reader holds it open), or does nothing when it is not there.
 */
const wake = (fifo: string) => `{ [ ! -p ${fifo} ] || echo 1<>${fifo}; }`;

/**
 * The container's command: once the gate is open, the start commands in order, stopping at the
 * first failure, then the ready check (if any) until it passes, then the started marker, then a
 * wait that keeps the container alive (it runs under Docker's init, which forwards signals).
 * Waits block on FIFOs (GATE_WAKE, READY_WAKE) rather than poll: a poll is a process every tenth
 * of a second, and a whole lab's nodes polling at once loaded a 2-core machine more than their
 * own start work (a node polling every 0.05 s used a tenth of a core). Without mkfifo the gate
 * wait falls back to a poll. The ready check runs here, inside the node, rather than as an
 * engine exec per try, for the same reason. Start commands must return: a daemon has to
 * background itself, or the command end with `&`, otherwise the commands after it never run.
 */
export function startCommand(start: readonly string[], ready: string | null): string[] {
  const script = [
    // The FIFO is made before the gate is looked at, and opened read-write (never EOF): a gate
    // opened in between writes its line into it (openGateScript), so no wake-up is lost.
    `if mkfifo ${GATE_WAKE} 2>/dev/null; then exec 9<>${GATE_WAKE}; else exec 9</dev/null; fi`,
    `until [ -e ${GATE_OPEN} ]; do read -r _ <&9 || sleep 0.1; done`,
    "exec 9<&-",
    `rm -f ${READY_LOG}`,
    "set -e",
    ...start,
    ...(ready === null ? [] : [readyLoop(ready)]),
    `touch ${STARTED_MARKER}`,
    wake(READY_WAKE),
    "exec sleep infinity",
  ].join("\n");
  return ["/bin/sh", "-c", script];
}

/** Opens a node's gate (its host rules are in place) and wakes its start script. */
export const OPEN_GATE_SCRIPT = `touch ${GATE_OPEN} && ${wake(GATE_WAKE)}`;

/**
 * Opens the gate, then waits for the started marker, blocked on READY_WAKE, for `boundSeconds`
 * at most (a `sleep` holding the FIFO open for writing: when it ends, the wait reads end of
 * file), so that a wait the service gave up on does not stay behind in the node. Exits 0 once
 * the node is ready, 1 when the bound passed first.
 */
export function waitReadyScript(boundSeconds: number): string {
  return [
    OPEN_GATE_SCRIPT,
    `[ -p ${READY_WAKE} ] || mkfifo ${READY_WAKE}`,
    // The FIFO is open (by the sleep) before the marker is looked at: a marker written in
    // between wakes the read below.
    `sleep ${boundSeconds} 1<>${READY_WAKE} 2>/dev/null &`,
    "bound=$!",
    `exec 8<${READY_WAKE}`,
    `[ -e ${STARTED_MARKER} ] || read -r _ <&8 || :`,
    'kill "$bound" 2>/dev/null || :',
    `[ -e ${STARTED_MARKER} ]`,
  ].join("\n");
}

/**
 * Runs the ready check in a subshell (an `exit` in it ends only the check) until it exits 0:
 * twenty quick tries in the first second, as most daemons bind their port within it, then four
 * a second.
 */
function readyLoop(ready: string): string {
  return [
    "tries=0",
    `until (\n${ready}\n) >${READY_LOG} 2>&1; do`,
    "  tries=$((tries + 1))",
    '  if [ "$tries" -lt 20 ]; then sleep 0.05; else sleep 0.25; fi',
    "done",
  ].join("\n");
}

/**
 * `name:address` for every other node, in topology order. The address is the other node's on
 * the first network this node shares with it, in this node's attachment order, so traffic to it
 * stays on a direct link; with no network in common, it is the other node's primary address.
 */
export function extraHosts(self: string, endpoints: ReadonlyMap<string, EndpointPlan[]>): string[] {
  const own = endpoints.get(self) ?? [];
  const hosts: string[] = [];
  for (const [name, theirs] of endpoints) {
    if (name === self) continue;
    const endpoint = sharedEndpoint(own, theirs) ?? theirs[0];
    if (endpoint !== undefined) hosts.push(`${name}:${endpoint.address}`);
  }
  return hosts;
}

/** Another node's endpoint on the first network this node shares with it, in this node's order. */
export function sharedEndpoint(
  own: readonly EndpointPlan[],
  theirs: readonly EndpointPlan[],
): EndpointPlan | undefined {
  return own
    .map((mine) => theirs.find((other) => other.network === mine.network))
    .find((endpoint) => endpoint !== undefined);
}
