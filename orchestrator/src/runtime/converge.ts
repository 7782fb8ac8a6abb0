// Applies a lab plan to an engine: creates what is missing, recreates what changed (by hash, or,
// when asked, because its image was rebuilt), removes what the plan no longer has and leaves the
// rest alone.
// Independent steps run in parallel, their engine calls bounded per engine (slots.ts); each node
// starts as soon as the nodes it comes after are ready.
import type { LabPlan, NodePlan } from "../plan/types.ts";
import { createContainer, injectFiles, removeContainer, startContainer } from "./containers.ts";
import {
  containersToCreate,
  labChanges,
  missingImages,
  type OutdatedNodes,
  startWaves,
} from "./converge-decisions.ts";
import { type Engine, imageId } from "./engine.ts";
import { filesArchive } from "./files.ts";
import { guardBridges, unguardBridges } from "./host-guard.ts";
import { labInventory, type ObservedContainer } from "./inventory.ts";
import { writeLabRecord } from "./lab-record.ts";
import { createNetwork, removeNetwork } from "./networks.ts";
import { NO_CLOCK, type PhaseClock } from "./phase-clock.ts";
import { openGate, runsAtStart, waitReady } from "./readiness.ts";
import { engineSlots } from "./slots.ts";
import { inAfterOrder } from "./start-order.ts";

export interface ConvergeReport {
  created: string[];
  recreated: string[];
  started: string[];
  unchanged: string[];
  removed: string[];
}

/** A lab whose networks are in place and whose outdated containers are gone. */
export interface PreparedLab {
  plan: LabPlan;
  /** Containers that match the plan, by node name. */
  kept: Map<string, ObservedContainer>;
  /** Nodes that had a container before (so a new one is a re-creation). */
  hadContainer: Set<string>;
  removed: string[];
}

/** What converging has just done, for a person watching it (`socketlab up` on a terminal). */
export type ConvergeEvent =
  | { step: "network created"; network: string }
  | { step: "node created" | "node started" | "node ready"; node: string };
export type ConvergeProgress = (event: ConvergeEvent) => void;

const quiet: ConvergeProgress = () => {};

export async function converge(
  engine: Engine,
  plan: LabPlan,
  outdated: OutdatedNodes = "recreate",
  progress: ConvergeProgress = quiet,
  clock: PhaseClock = NO_CLOCK,
): Promise<ConvergeReport> {
  const prepared = await prepareNetworks(engine, plan, outdated, progress, clock);
  return startNodes(engine, prepared, progress, clock);
}

/**
 * The first half of converging: record the plan, remove what is outdated, create the networks.
 * This is the part that claims subnets on the engine, so callers serialise it (see labs/).
 */
export async function prepareNetworks(
  engine: Engine,
  plan: LabPlan,
  outdated: OutdatedNodes,
  progress: ConvergeProgress = quiet,
  clock: PhaseClock = NO_CLOCK,
): Promise<PreparedLab> {
  const [imageIds, before] = await Promise.all([
    clock.time("image checks", () => currentImageIds(engine, plan.nodes)),
    clock.time("inventory", () => labInventory(engine, plan.lab)),
  ]);
  await clock.time("lab record", () => writeLabRecord(engine, plan));
  const changes = labChanges(plan, before, imageIds, outdated);

  // Remove first: a changed network can only go once its containers have.
  await clock.time("removal", async () => {
    await Promise.all(changes.removeContainers.map((c) => removeContainer(engine, c.id)));
    await unguardBridges(
      engine,
      changes.removeNetworks.map((n) => n.bridgeName),
    );
    await Promise.all(changes.removeNetworks.map((n) => removeNetwork(engine, n.id)));
  });
  await allFinished(
    changes.createNetworks.map((n) =>
      clock
        .time("networks", () => createNetwork(engine, n))
        .then(() => progress({ step: "network created", network: n.name })),
    ),
  );
  return { plan, kept: changes.kept, hadContainer: changes.hadContainer, removed: changes.removed };
}

/**
 * Re-creates the named nodes of a lab from their images and touches nothing else: no other
 * node's container, gate or start, no record written, only the named nodes' images checked.
 * A lab missing one of its networks is converged whole instead (keeping outdated nodes), as the
 * named nodes could not be attached.
 */
export async function recreateNodes(
  engine: Engine,
  plan: LabPlan,
  names: readonly string[],
  progress: ConvergeProgress = quiet,
  clock: PhaseClock = NO_CLOCK,
): Promise<ConvergeReport> {
  const named = new Set(names);
  const [, before] = await Promise.all([
    clock.time("image checks", () =>
      currentImageIds(
        engine,
        plan.nodes.filter((n) => named.has(n.name)),
      ),
    ),
    clock.time("inventory", () => labInventory(engine, plan.lab)),
  ]);
  const doomed = before.containers.filter((c) => named.has(c.name));
  await clock.time("removal", () => Promise.all(doomed.map((c) => removeContainer(engine, c.id))));
  const networksThere = plan.networks.every((n) =>
    before.networks.some((observed) => observed.dockerName === n.dockerName),
  );
  if (!networksThere) return converge(engine, plan, "keep", progress, clock);
  const others = before.containers.filter((c) => !named.has(c.name));
  const prepared: PreparedLab = {
    plan,
    kept: new Map(others.map((c) => [c.name, c])),
    // Reported as created, as a whole-lab reset reports its nodes: a reset's nodes are new.
    hadContainer: new Set(),
    removed: [],
  };
  return startNodes(engine, prepared, progress, clock, named);
}

/**
 * The second half: host rules and containers created in parallel, then each node started. With
 * `only`, nodes outside it are left as they are (not started, their gates not opened).
 */
export async function startNodes(
  engine: Engine,
  prepared: PreparedLab,
  progress: ConvergeProgress = quiet,
  clock: PhaseClock = NO_CLOCK,
  only?: ReadonlySet<string>,
): Promise<ConvergeReport> {
  const { plan, kept } = prepared;
  const report: ConvergeReport = {
    created: [],
    recreated: [],
    started: [],
    unchanged: [],
    removed: prepared.removed,
  };
  const slots = engineSlots(engine);
  // Host rules before any node runs a command of its own: no moment in which a node can reach
  // the host. Containers are created and given their files meanwhile. Each node starts as soon
  // as its own container exists and the nodes it waits for (after) are ready: not when every
  // container is made, nor when a whole wave of others is ready. A new container may start
  // before the rules are in place, as it runs nothing but its wait behind the gate (its file
  // system is the image's and socketlab's files); its gate opens once they are. A container
  // that ran before waits for the rules to start: its file system is the student's.
  const guarded = clock.time("guard rules", () => guardBridges(engine, plan.networks));
  const created = new Map(
    containersToCreate(plan, prepared).map(({ node, recreated }) => [
      node.name,
      createWithFiles(engine, node, clock).then((id) => {
        (recreated ? report.recreated : report.created).push(node.name);
        progress({ step: "node created", node: node.name });
        return id;
      }),
    ]),
  );
  const steps = new Map(
    startWaves(plan, kept).flatMap((wave) => wave.map((s) => [s.name, s.step])),
  );
  const byName = new Map(plan.nodes.map((n) => [n.name, n]));
  const inStartOrder = plan.startWaves.flat().map((name) => byName.get(name) as NodePlan);
  const ready = inAfterOrder(inStartOrder, async (node) => {
    const step = steps.get(node.name);
    if (only !== undefined && !only.has(node.name)) {
      report.unchanged.push(node.name);
      return;
    }
    if (step === "unchanged") {
      report.unchanged.push(node.name);
      // Docker may have restarted it (an engine restart): its gate opens once the rules are back.
      await guarded;
      const id = kept.get(node.name)?.id as string;
      return clock.time("gate", () => slots.run(() => openGate(engine, id)));
    }
    const [id] = await Promise.all([
      created.get(node.name) ?? (kept.get(node.name)?.id as string),
      step === "new" ? null : guarded,
    ]);
    await clock.time("start", () => slots.run(() => startContainer(engine, id)));
    if (step === "restarted") report.started.push(node.name);
    progress({ step: "node started", node: node.name });
    await guarded;
    if (runsAtStart(node)) await clock.time("readiness", () => waitReady(engine, id, node));
    // With nothing to run and nothing to check, a node is ready once its gate is open.
    else await clock.time("gate", () => slots.run(() => openGate(engine, id)));
    progress({ step: "node ready", node: node.name });
  });
  // Every step settles before a failure is reported: see allFinished.
  await allFinished([guarded, ...created.values(), ...ready.values()]);
  return report;
}

/**
 * A node's container with its files in: the archive is made while the engine creates the
 * container, and each engine call waits for a slot.
 */
async function createWithFiles(engine: Engine, node: NodePlan, clock: PhaseClock): Promise<string> {
  const slots = engineSlots(engine);
  const archive = node.files.length > 0 ? filesArchive(node.files) : null;
  // Settled here too, so that a failed creation does not leave its rejection unhandled.
  archive?.catch(() => {});
  const id = await clock.time("create", () => slots.run(() => createContainer(engine, node)));
  if (archive !== null) {
    const bytes = await archive;
    await clock.time("file injection", () => slots.run(() => injectFiles(engine, id, bytes)));
  }
  return id;
}

/**
 * Like Promise.all for steps that create engine objects, but settles every step before throwing
 * the first failure: a caller that cleans up after a failure must not race a creation still
 * under way, which would leave an object behind.
 */
async function allFinished(steps: Promise<unknown>[]): Promise<void> {
  const failure = (await Promise.allSettled(steps)).find((r) => r.status === "rejected");
  if (failure) throw failure.reason;
}

/** The current id of each node's image; throws naming every missing one. */
export async function currentImageIds(
  engine: Engine,
  nodes: NodePlan[],
): Promise<Map<string, string | null>> {
  const images = [...new Set(nodes.map((n) => n.image))];
  const ids = new Map(
    await Promise.all(images.map(async (image) => [image, await imageId(engine, image)] as const)),
  );
  const missing = missingImages(nodes, ids);
  if (missing) throw new Error(missing);
  return ids;
}
