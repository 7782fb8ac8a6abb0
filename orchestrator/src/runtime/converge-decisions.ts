// What converging a lab changes, decided from the plan and what the engine holds, with no I/O:
// which networks and containers are outdated (removed), which networks are created, which
// containers are kept, created or re-created, and what each start wave does. converge.ts
// carries the decisions out.
import type { LabPlan, NetworkPlan, NodePlan } from "../plan/types.ts";
import type { LabInventory, ObservedContainer, ObservedNetwork } from "./inventory.ts";

export interface LabChanges {
  /** Networks to remove: changed (by hash) or no longer planned. */
  removeNetworks: ObservedNetwork[];
  /** Containers to remove: changed, on an outdated image or network, or no longer planned. */
  removeContainers: ObservedContainer[];
  /** Planned networks the engine does not hold (or holds outdated). */
  createNetworks: NetworkPlan[];
  /** Containers that match the plan, by node name. */
  kept: Map<string, ObservedContainer>;
  /** Nodes that had a container before (so a new one is a re-creation). */
  hadContainer: Set<string>;
  /** Nodes whose container goes and that the plan no longer has. */
  removed: string[];
}

/**
 * What becomes of a container made from an older build of its node's image: `recreate` (a whole
 * lab brought in line on purpose) or `keep` (anything less: the student's files in it stay, and
 * status shows it outdated).
 */
export type OutdatedNodes = "recreate" | "keep";

/**
 * The changes that bring `before` in line with `plan`. `imageIds` holds the current id of every
 * planned node's image: a container made from an older build of its image is outdated, and goes
 * only when `outdated` says `recreate`.
 */
export function labChanges(
  plan: LabPlan,
  before: LabInventory,
  imageIds: Map<string, string | null>,
  outdated: OutdatedNodes,
): LabChanges {
  const removeNetworks = before.networks.filter(
    (observed) =>
      !plan.networks.some((n) => n.dockerName === observed.dockerName && n.hash === observed.hash),
  );
  const outdatedNetworks = removeNetworks.map((n) => n.name);
  const removeContainers = before.containers.filter((observed) =>
    mustGo(observed, plan, outdated === "recreate" ? imageIds : null, outdatedNetworks),
  );
  const existingNetworks = new Set(
    before.networks.filter((n) => !removeNetworks.includes(n)).map((n) => n.dockerName),
  );
  return {
    removeNetworks,
    removeContainers,
    createNetworks: plan.networks.filter((n) => !existingNetworks.has(n.dockerName)),
    kept: new Map(
      before.containers.filter((c) => !removeContainers.includes(c)).map((c) => [c.name, c]),
    ),
    hadContainer: new Set(before.containers.map((c) => c.name)),
    removed: removeContainers
      .filter((c) => !plan.nodes.some((n) => n.name === c.name))
      .map((c) => c.name),
  };
}

/** Whether a container goes: not planned, changed, on a changed network, or (with `imageIds`) on an older image. */
function mustGo(
  observed: ObservedContainer,
  plan: LabPlan,
  imageIds: Map<string, string | null> | null,
  outdatedNetworks: string[],
): boolean {
  const node = plan.nodes.find((n) => n.containerName === observed.containerName);
  if (!node || node.hash !== observed.hash) return true;
  if (imageIds && isOutdated(observed, node, imageIds)) return true;
  return node.endpoints.some((e) => outdatedNetworks.includes(e.network));
}

/** Whether a node's container was made from another build of its image than the current one. */
export function isOutdated(
  observed: Pick<ObservedContainer, "imageId">,
  node: Pick<NodePlan, "image">,
  imageIds: Map<string, string | null>,
): boolean {
  const current = imageIds.get(node.image);
  return current !== undefined && current !== null && current !== observed.imageId;
}

/**
 * The nodes without a kept container, each marked when it had one before, in start order: the
 * engine's calls are bounded, and the first nodes to start are the ones others wait for.
 */
export function containersToCreate(
  plan: LabPlan,
  changes: Pick<LabChanges, "kept" | "hadContainer">,
): { node: NodePlan; recreated: boolean }[] {
  const byName = new Map(plan.nodes.map((node) => [node.name, node]));
  return plan.startWaves
    .flat()
    .filter((name) => !changes.kept.has(name))
    .map((name) => ({
      node: byName.get(name) as NodePlan,
      recreated: changes.hadContainer.has(name),
    }));
}

/**
 * What each node of each start wave does: a kept container that runs is left alone
 * (`unchanged`), a kept one that does not is started again (`restarted`), a new one is started
 * for the first time (`new`). Every node but the unchanged waits to be ready.
 */
export type StartStep = "unchanged" | "restarted" | "new";

export function startWaves(
  plan: LabPlan,
  kept: Map<string, ObservedContainer>,
): { name: string; step: StartStep }[][] {
  return plan.startWaves.map((wave) =>
    wave.map((name) => {
      const existing = kept.get(name);
      const step: StartStep = !existing
        ? "new"
        : existing.state === "running"
          ? "unchanged"
          : "restarted";
      return { name, step };
    }),
  );
}

/**
 * Why the lab cannot be converged for want of images: every planned image the engine lacks, with
 * the nodes that need it; null when none is missing.
 */
export function missingImages(
  nodes: NodePlan[],
  imageIds: Map<string, string | null>,
): string | null {
  const missing = [...imageIds].filter(([, id]) => id === null).map(([image]) => image);
  if (missing.length === 0) return null;
  const wanted = missing.map(
    (image) =>
      `${image} (node ${nodes
        .filter((n) => n.image === image)
        .map((n) => n.name)
        .join(", ")})`,
  );
  return `image ${wanted.join(", ")} is not on the engine; socketlab's own images come from 'socketlab images build', any other must be built or loaded there first`;
}
