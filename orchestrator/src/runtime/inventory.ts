// What the engine holds of one lab, found by labels alone.
import { LABELS } from "../plan/types.ts";
import type { Engine } from "./engine.ts";

export interface ObservedNetwork {
  id: string;
  name: string;
  dockerName: string;
  bridgeName: string;
  hash: string;
  subnet: string | null;
}

export interface ObservedContainer {
  id: string;
  name: string;
  containerName: string;
  hash: string;
  imageId: string;
  /** Docker's state: running, exited, created, restarting, paused, dead. */
  state: string;
  status: string;
}

export interface LabInventory {
  networks: ObservedNetwork[];
  containers: ObservedContainer[];
}

export async function labInventory(engine: Engine, lab: string): Promise<LabInventory> {
  const labels = [`${LABELS.lab}=${lab}`];
  const [networks, containers] = await Promise.all([
    engine.networks.list({ labels }),
    engine.containers.list({ all: true, labels }),
  ]);
  return {
    networks: networks.map((n) => ({
      id: n.Id,
      name: n.Labels?.[LABELS.network] ?? "",
      dockerName: n.Name,
      bridgeName: n.Options?.["com.docker.network.bridge.name"] ?? "",
      hash: n.Labels?.[LABELS.hash] ?? "",
      subnet: n.IPAM?.Config?.[0]?.Subnet ?? null,
    })),
    containers: containers.map((c) => ({
      id: c.Id,
      name: c.Labels?.[LABELS.node] ?? "",
      containerName: (c.Names[0] ?? "").replace(/^\//, ""),
      hash: c.Labels?.[LABELS.hash] ?? "",
      imageId: c.ImageID,
      state: c.State,
      status: c.Status,
    })),
  };
}

/** Every IPv4 subnet of every network on the engine, socketlab's or not. */
export async function engineSubnets(engine: Engine): Promise<{ subnet: string; lab?: string }[]> {
  const networks = await engine.networks.list();
  return networks.flatMap((n) =>
    (n.IPAM?.Config ?? [])
      .map((config) => config.Subnet)
      .filter((subnet): subnet is string => !!subnet && subnet.includes("."))
      .map((subnet) => ({ subnet, lab: n.Labels?.[LABELS.lab] })),
  );
}
