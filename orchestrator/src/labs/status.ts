// What a lab looks like right now: its plan (from the lab record) against what the engine holds.
// These shapes are the `--json` output of `socketlab status` and `socketlab ls`: keep them stable.
import type { LabPlan } from "../plan/types.ts";
import type { Engine } from "../runtime/engine.ts";
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
  return describe(plan, await labInventory(engine, lab));
}

export async function listLabs(engine: Engine): Promise<LabSummary[]> {
  const plans = await listLabRecords(engine);
  const statuses = await Promise.all(
    plans.map(async (plan) => describe(plan, await labInventory(engine, plan.lab))),
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

function describe(plan: LabPlan, inventory: LabInventory): LabStatus {
  const networks = plan.networks.map((n) => ({
    name: n.name,
    subnet: n.subnet,
    sniffable: n.sniffable,
    present: inventory.networks.some((o) => o.dockerName === n.dockerName),
  }));
  const nodes = plan.nodes.map((n) => ({
    name: n.name,
    state: inventory.containers.find((c) => c.name === n.name)?.state ?? "missing",
    image: n.image,
    addresses: Object.fromEntries(n.endpoints.map((e) => [e.network, e.address])),
  }));
  const running = nodes.filter((n) => n.state === "running").length;
  const state: LabState =
    running === nodes.length && networks.every((n) => n.present)
      ? "running"
      : running === 0
        ? "stopped"
        : "degraded";
  return { lab: plan.lab, owner: plan.owner, topology: plan.topology, state, networks, nodes };
}
