// Lab nodes' writable layers: what each node has written to its own file system. overlay2 bounds
// them only on xfs with project quotas, so socketlab measures them itself (classroom/disk-watch.ts)
// and stops a node past its limit.
import { LABELS } from "../plan/types.ts";
import { type Engine, hasStatus, isNotFound } from "./engine.ts";

export interface NodeLayer {
  id: string;
  lab: string;
  node: string;
  /** The writable layer's size: its files' apparent sizes, as Docker counts them. */
  bytes: number;
}

/** Every running lab node's writable layer, in one request (the engine measures each layer). */
export async function runningNodeLayers(engine: Engine): Promise<NodeLayer[]> {
  const containers = await engine.containers.list({ labels: [LABELS.node], size: true });
  return containers.flatMap((c) => {
    const lab = c.Labels?.[LABELS.lab];
    const node = c.Labels?.[LABELS.node];
    if (lab === undefined || node === undefined || c.SizeRw === undefined) return [];
    return [{ id: c.Id, lab, node, bytes: c.SizeRw }];
  });
}

/** Stops a node until it is resumed (its restart policy does not bring it back): SIGKILL, at once. */
export async function stopNode(engine: Engine, id: string): Promise<void> {
  try {
    await engine.containers.stop(id, 0);
  } catch (error) {
    // 304: stopped meanwhile; 404: removed meanwhile.
    if (!hasStatus(error, 304) && !isNotFound(error)) throw error;
  }
}

/** The layers past `limitBytes`. */
export function overLimit(layers: readonly NodeLayer[], limitBytes: number): NodeLayer[] {
  return layers.filter((layer) => layer.bytes > limitBytes);
}
