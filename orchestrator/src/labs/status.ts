// What a lab looks like right now: its plan (from the lab record) against what the engine holds.
// These shapes are the `--json` output of `socketlab status` and `socketlab ls`: keep them stable.
import type { LabPlan } from "../plan/types.ts";
import { isOutdated } from "../runtime/converge-decisions.ts";
import { type Engine, imageId } from "../runtime/engine.ts";
import { type LabInventory, labInventory } from "../runtime/inventory.ts";
import { listLabRecords, readLabRecord } from "../runtime/lab-record.ts";

/** running: every node runs; stopped: none does; degraded: anything between, or a network gone. */
export type LabState = "running" | "degraded" | "stopped";

export interface NodeStatus {
  name: string;
  /** Docker's container state (running, exited, restarting, ...) or `missing`. */
  state: string;
  image: string;
  /** Network name -> the node's address on it. */
  addresses: Record<string, string>;
  /**
   * Its container was made from an older build of its image: kept (with its files) until the
   * whole lab is reset or brought up by the operator.
   */
  outdated: boolean;
}

export interface NetworkStatus {
  name: string;
  subnet: string;
  sniffable: boolean;
  present: boolean;
}

export interface LabStatus {
  lab: string;
  owner: string;
  topology: string;
  state: LabState;
  networks: NetworkStatus[];
  nodes: NodeStatus[];
}

export interface LabSummary {
  lab: string;
  owner: string;
  topology: string;
  state: LabState;
  nodes: number;
  running: number;
}

export async function labStatus(engine: Engine, lab: string): Promise<LabStatus | null> {
  const plan = await readLabRecord(engine, lab);
  if (!plan) return null;
  const images = [...new Set(plan.nodes.map((n) => n.image))];
  const [inventory, ids] = await Promise.all([
    labInventory(engine, lab),
    Promise.all(images.map(async (image) => [image, await imageId(engine, image)] as const)),
  ]);
  return describe(plan, inventory, new Map(ids));
}

export async function listLabs(engine: Engine): Promise<LabSummary[]> {
  const plans = await listLabRecords(engine);
  const statuses = await Promise.all(
    // A summary says nothing of outdated nodes: no image is looked up.
    plans.map(async (plan) => describe(plan, await labInventory(engine, plan.lab), new Map())),
  );
  return statuses.map((s) => ({
    lab: s.lab,
    owner: s.owner,
    topology: s.topology,
    state: s.state,
    nodes: s.nodes.length,
    running: s.nodes.filter((n) => n.state === "running").length,
  }));
}

function describe(
  plan: LabPlan,
  inventory: LabInventory,
  imageIds: Map<string, string | null>,
): LabStatus {
  const networks = plan.networks.map((n) => ({
    name: n.name,
    subnet: n.subnet,
    sniffable: n.sniffable,
    present: inventory.networks.some((o) => o.dockerName === n.dockerName),
  }));
  const nodes = plan.nodes.map((n) => {
    const container = inventory.containers.find((c) => c.name === n.name);
    return {
      name: n.name,
      state: container?.state ?? "missing",
      image: n.image,
      addresses: Object.fromEntries(n.endpoints.map((e) => [e.network, e.address])),
      outdated: container !== undefined && isOutdated(container, n, imageIds),
    };
  });
  const running = nodes.filter((n) => n.state === "running").length;
  const state: LabState =
    running === nodes.length && networks.every((n) => n.present)
      ? "running"
      : running === 0
        ? "stopped"
        : "degraded";
  return { lab: plan.lab, owner: plan.owner, topology: plan.topology, state, networks, nodes };
}
