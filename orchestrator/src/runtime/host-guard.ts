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

/** Starts the guard if it is not running on the current image; returns its container id. */
export async function ensureGuard(engine: Engine): Promise<string> {
  const wantedImage = await imageId(engine, GUARD_IMAGE);
  if (!wantedImage) {
    throw new Error(`image ${GUARD_IMAGE} is missing; run 'socketlab images build'`);
  }
  const current = await inspectGuard(engine);
  if (current?.State.Running && current.Image === wantedImage) return current.Id;
  if (current) await engine.containers.remove(current.Id);
  try {
    const id = await engine.containers.create({
      name: GUARD_CONTAINER,
      Image: GUARD_IMAGE,
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

export async function guardBridges(engine: Engine, networks: NetworkPlan[]): Promise<void> {
  if (networks.length === 0) return;
  const specs = networks.map((n) => (n.sniffable ? `${n.bridgeName}:hub` : n.bridgeName));
  await runGuard(engine, await ensureGuard(engine), ["add", ...specs]);
}

export async function unguardBridges(engine: Engine, bridgeNames: string[]): Promise<void> {
  if (bridgeNames.length === 0) return;
  await runGuard(engine, await ensureGuard(engine), ["del", ...bridgeNames]);
}

async function runGuard(engine: Engine, guard: string, args: string[]): Promise<void> {
  const result = await execCapture(engine, guard, ["socketlab-guard", ...args]);
  if (result.exitCode !== 0) {
    throw new Error(`host guard '${args.join(" ")}' failed: ${result.stderr.trim()}`);
  }
}
