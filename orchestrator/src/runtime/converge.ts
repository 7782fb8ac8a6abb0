// Applies a lab plan to an engine: creates what is missing, recreates what changed (by hash, or
// because its image was rebuilt), removes what the plan no longer has and leaves the rest alone.
// Independent steps run in parallel; nodes start in the plan's waves.
import type { LabPlan, NodePlan } from "../plan/types.ts";
import { createNodeContainer, removeContainer, startContainer } from "./containers.ts";
import { type Engine, imageId } from "./engine.ts";
import { guardBridges, unguardBridges } from "./host-guard.ts";
import { labInventory, type ObservedContainer } from "./inventory.ts";
import { writeLabRecord } from "./lab-record.ts";
import { createNetwork, removeNetwork } from "./networks.ts";
import { waitReady } from "./readiness.ts";

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

export async function converge(engine: Engine, plan: LabPlan): Promise<ConvergeReport> {
  return startNodes(engine, await prepareNetworks(engine, plan));
}

/**
 * The first half of converging: record the plan, remove what is outdated, create the networks.
 * This is the part that claims subnets on the engine, so callers serialise it (see labs/).
 */
export async function prepareNetworks(engine: Engine, plan: LabPlan): Promise<PreparedLab> {
  const imageIds = await currentImageIds(engine, plan.nodes);
  await writeLabRecord(engine, plan);
  const before = await labInventory(engine, plan.lab);

  const staleNetworks = before.networks.filter(
    (observed) =>
      !plan.networks.some((n) => n.dockerName === observed.dockerName && n.hash === observed.hash),
  );
  const staleContainers = before.containers.filter((observed) =>
    isStale(
      observed,
      plan,
      imageIds,
      staleNetworks.map((n) => n.name),
    ),
  );

  // Remove first: a changed network can only go once its containers have.
  await Promise.all(staleContainers.map((c) => removeContainer(engine, c.id)));
  await unguardBridges(
    engine,
    staleNetworks.map((n) => n.bridgeName),
  );
  await Promise.all(staleNetworks.map((n) => removeNetwork(engine, n.id)));

  const existingNetworks = new Set(
    before.networks.filter((n) => !staleNetworks.includes(n)).map((n) => n.dockerName),
  );
  await allFinished(
    plan.networks
      .filter((n) => !existingNetworks.has(n.dockerName))
      .map((n) => createNetwork(engine, n)),
  );
  return {
    plan,
    kept: new Map(
      before.containers.filter((c) => !staleContainers.includes(c)).map((c) => [c.name, c]),
    ),
    hadContainer: new Set(before.containers.map((c) => c.name)),
    removed: staleContainers
      .filter((c) => !plan.nodes.some((n) => n.name === c.name))
      .map((c) => c.name),
  };
}

/** The second half: host rules and containers created in parallel, then started in waves. */
export async function startNodes(engine: Engine, prepared: PreparedLab): Promise<ConvergeReport> {
  const { plan, kept } = prepared;
  const report: ConvergeReport = {
    created: [],
    recreated: [],
    started: [],
    unchanged: [],
    removed: prepared.removed,
  };
  // Host rules before any node runs: no moment in which a node can reach the host. Containers
  // are created meanwhile (a created container does not run): the rules' execs in the guard
  // take about as long as the creations, and nothing starts until both are done.
  const ids = new Map<string, string>();
  await allFinished([
    guardBridges(engine, plan.networks),
    ...plan.nodes.map(async (node) => {
      const existing = kept.get(node.name);
      if (existing) {
        ids.set(node.name, existing.id);
        return;
      }
      ids.set(node.name, await createNodeContainer(engine, node));
      (prepared.hadContainer.has(node.name) ? report.recreated : report.created).push(node.name);
    }),
  ]);

  // A failed start need not wait for its wave: the others only start and poll what exists.
  for (const wave of plan.startWaves) {
    await Promise.all(
      wave.map(async (name) => {
        const node = plan.nodes.find((n) => n.name === name) as NodePlan;
        const id = ids.get(name) as string;
        const existing = kept.get(name);
        if (existing?.state === "running") {
          report.unchanged.push(name);
          return;
        }
        await startContainer(engine, id);
        if (existing) report.started.push(name);
        await waitReady(engine, id, node);
      }),
    );
  }
  return report;
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

function isStale(
  observed: ObservedContainer,
  plan: LabPlan,
  imageIds: Map<string, string | null>,
  staleNetworkNames: string[],
): boolean {
  const node = plan.nodes.find((n) => n.containerName === observed.containerName);
  if (!node || node.hash !== observed.hash) return true;
  if (imageIds.get(node.image) !== observed.imageId) return true;
  return node.endpoints.some((e) => staleNetworkNames.includes(e.network));
}

async function currentImageIds(
  engine: Engine,
  nodes: NodePlan[],
): Promise<Map<string, string | null>> {
  const images = [...new Set(nodes.map((n) => n.image))];
  const ids = await Promise.all(images.map((image) => imageId(engine, image)));
  const missing = images.filter((_, i) => ids[i] === null);
  if (missing.length > 0) {
    const wanted = missing.map(
      (image) =>
        `${image} (node ${nodes
          .filter((n) => n.image === image)
          .map((n) => n.name)
          .join(", ")})`,
    );
    throw new Error(
      `image ${wanted.join(", ")} is not on the engine; socketlab's own images come from 'socketlab images build', any other must be built or loaded there first`,
    );
  }
  return new Map(images.map((image, i) => [image, ids[i] ?? null]));
}
