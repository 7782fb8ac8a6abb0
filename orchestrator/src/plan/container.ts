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

/** Written when the start commands have all returned and the ready check passed: the node is ready. */
export const STARTED_MARKER = "/run/socketlab-started";
/** The ready check's output from its last try: what a "not ready" message shows. */
export const READY_LOG = "/run/socketlab-ready.log";

/**
 * The container's command: once the gate is open, the start commands in order, stopping at the first failure, then the
 * ready check (if any) until it passes, then the started marker, then a wait that keeps the
 * container alive (it runs under Docker's init, which forwards signals). The marker is cleared
 * first because a restarted container keeps its files. The ready check runs here, inside the
 * node, rather than as an engine exec per try: an exec costs the engine a runtime process, and a
 * whole lab polled that way loads a small machine more than the nodes' own work does. Start
 * commands must return: a daemon has to background itself, or the command end with `&`,
 * otherwise the commands after it never run.
 */
export function startCommand(start: readonly string[], ready: string | null): string[] {
  const script = [
    `until [ -e ${GATE_OPEN} ]; do sleep 0.1; done`,
    `rm -f ${STARTED_MARKER} ${READY_LOG}`,
    "set -e",
    ...start,
    ...(ready === null ? [] : [readyLoop(ready)]),
    `touch ${STARTED_MARKER}`,
    "exec sleep infinity",
  ].join("\n");
  return ["/bin/sh", "-c", script];
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
