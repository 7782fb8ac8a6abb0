// The host guard: one long-lived helper container on the host's network with NET_ADMIN, through
// which socketlab sets the host-side rules of lab bridges (images/host-guard/socketlab-guard).
// It runs commands by exec rather than as a throw-away container per lab, which would add a
// container start to every `up`.
import type { NetworkPlan } from "../plan/types.ts";
import { LABELS, PLAN_FORMAT } from "../plan/types.ts";
import { type Engine, hasStatus, imageId, isNotFound } from "./engine.ts";
import { execCapture } from "./exec.ts";
import { imageTag } from "./images/catalog.ts";

export const GUARD_CONTAINER = "socketlab-host-guard";
export const GUARD_IMAGE = imageTag("host-guard");

/**
 * The catch-all: every lab bridge (all are named sl...) is dropped on its way to the host, IPv4
 * and IPv6, whichever lab it belongs to and before any lab's own rules are back. The guard puts
 * it in place as it starts, so after an engine restart or a reboot it is back as soon as the
 * engine restarts the guard; lab nodes meanwhile run nothing (plan/container.ts: the gate).
 */
const CATCH_ALL =
  "for tool in iptables ip6tables; do $tool -w -C INPUT -i sl+ -j DROP 2>/dev/null || $tool -w -I INPUT -i sl+ -j DROP || exit 1; done";
const GUARD_COMMAND = ["/bin/sh", "-c", `${CATCH_ALL} && exec sleep infinity`];

/**
 * Docker's isolation chain, where its rules drop a bridged packet whose addresses lie outside the
 * bridge's subnet: the routed and spoofed packets of a lab. socketlab-guard's accept of them sits
 * in DOCKER-USER, but Docker deletes and re-inserts FORWARD's jump to DOCKER-USER whenever it
 * creates a network, and a packet that met that instant was dropped here. So each lab bridge's
 * accept also sits in this chain, above Docker's rules for that bridge: Docker only inserts rules
 * for a new bridge (naming that bridge alone) and deletes its own, so nothing moves it; and while
 * Docker moves FORWARD's jump to this chain, the jump to DOCKER-USER is still in place.
 */
const ISOLATION_CHAIN = "DOCKER-ISOLATION-STAGE-1";

/**
 * For each bridge of "$@" (BRIDGE or BRIDGE:hub), its accept comes first among the chain's rules
 * that name it; one found below Docker's (the network was made again since) is moved up. Rules
 * are deleted by what they say, never by their number: Docker inserts other networks' rules at
 * the top at any moment (other labs coming up at the same time), which shifts every number.
 */
const ISOLATION_ADD = `iptables -w -N ${ISOLATION_CHAIN} 2>/dev/null || true
for spec; do
  rule="-i \${spec%:hub} -o \${spec%:hub} -j ACCEPT"
  first=$(iptables -w -S ${ISOLATION_CHAIN} | awk -v b="\${spec%:hub}" 'NR > 1 && index($0 " ", " " b " ") { print; exit }')
  [ "$first" = "-A ${ISOLATION_CHAIN} $rule" ] && continue
  while iptables -w -C ${ISOLATION_CHAIN} $rule 2>/dev/null; do
    iptables -w -D ${ISOLATION_CHAIN} $rule || exit 1
  done
  iptables -w -I ${ISOLATION_CHAIN} $rule || exit 1
done`;

const ISOLATION_DEL = `for bridge; do
  while iptables -w -C ${ISOLATION_CHAIN} -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null; do
    iptables -w -D ${ISOLATION_CHAIN} -i "$bridge" -o "$bridge" -j ACCEPT || exit 1
  done
done`;

/**
 * Starts the guard if it is not running on the current image and command; returns its container
 * id.
 */
export async function ensureGuard(engine: Engine): Promise<string> {
  const wantedImage = await imageId(engine, GUARD_IMAGE);
  if (!wantedImage) {
    throw new Error(`image ${GUARD_IMAGE} is missing; run 'socketlab images build'`);
  }
  const current = await inspectGuard(engine);
  if (
    current?.State.Running &&
    current.Image === wantedImage &&
    current.Config.Cmd?.join("\0") === GUARD_COMMAND.join("\0")
  ) {
    return current.Id;
  }
  if (current) await engine.containers.remove(current.Id);
  try {
    const id = await engine.containers.create({
      name: GUARD_CONTAINER,
      Image: GUARD_IMAGE,
      Cmd: GUARD_COMMAND,
      Labels: { [LABELS.managed]: PLAN_FORMAT },
      HostConfig: {
        NetworkMode: "host",
        CapAdd: ["NET_ADMIN", "NET_RAW"],
        Init: true,
        RestartPolicy: { Name: "unless-stopped" },
      },
    });
    await engine.containers.start(id);
    return id;
  } catch (error) {
    // Another `up` started it at the same moment.
    if (hasStatus(error, 409)) {
      const started = await inspectGuard(engine);
      if (started) return started.Id;
    }
    throw error;
  }
}

async function inspectGuard(engine: Engine) {
  try {
    return await engine.containers.inspect(GUARD_CONTAINER);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * Puts the host rules of a lab's bridges in place (the catch-all first, should it be gone: an
 * iptables flush), hub mode included. Safe to repeat.
 */
export async function guardBridges(engine: Engine, networks: NetworkPlan[]): Promise<void> {
  if (networks.length === 0) return;
  const specs = networks.map((n) => (n.sniffable ? `${n.bridgeName}:hub` : n.bridgeName));
  await runGuard(
    engine,
    "add",
    `${CATCH_ALL} && socketlab-guard add "$@" && ${ISOLATION_ADD}`,
    specs,
  );
}

export async function unguardBridges(engine: Engine, bridgeNames: string[]): Promise<void> {
  if (bridgeNames.length === 0) return;
  await runGuard(engine, "del", `socketlab-guard del "$@" && ${ISOLATION_DEL}`, bridgeNames);
}

/** Runs the shell `script` in the guard with the bridges as its arguments. */
async function runGuard(
  engine: Engine,
  action: "add" | "del",
  script: string,
  bridges: string[],
): Promise<void> {
  const guard = await ensureGuard(engine);
  const result = await execCapture(engine, guard, ["/bin/sh", "-c", script, "guard", ...bridges]);
  if (result.exitCode !== 0) {
    throw new Error(`host guard '${action} ${bridges.join(" ")}' failed: ${result.stderr.trim()}`);
  }
}
