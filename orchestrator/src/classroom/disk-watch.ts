// Keeps each lab node's writable layer under its limit where the storage driver cannot (overlay2
// without xfs project quotas): at every sweep, one request per engine measures every running
// node's layer, and a node past the limit is told so in its terminals, stopped (a resume starts
// it again, its files kept) and reported (the audit log, the lab's page). A node may pass the
// limit between two sweeps: Docker's data root belongs on a disk of its own (docs/operator.md).
import type { Engines } from "../engines/engines.ts";
import { errorMessage } from "../runtime/engine.ts";
import {
  type NodeLayer,
  overLimit,
  runningNodeLayers,
  stopNode,
} from "../runtime/writable-layers.ts";
import type { Log } from "./log.ts";

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Why a node stopped, for people: in its terminals, and on its lab's page. */
export function diskLimitReason(bytes: number, limitBytes: number): string {
  return `this node wrote ${size(bytes)} to its disk, over its limit of ${size(limitBytes)}, and was stopped; its files are kept: resume the lab to start it again, then delete files (or ask for a reset)`;
}

/** "300 MiB", "2.3 GiB", "2 GiB". */
function size(bytes: number): string {
  if (bytes < GIB) return `${Math.round(bytes / MIB)} MiB`;
  return `${(bytes / GIB).toFixed(1).replace(/\.0$/, "")} GiB`;
}

export class DiskWatch {
  readonly name = "writable layers";
  private readonly engines: Engines;
  private readonly limitBytes: number | null;
  /** Told once a node is stopped: the audit log and the store's record of why. */
  private readonly stopped: (layer: NodeLayer, limitBytes: number) => void;
  private readonly log: Log;
  /** Told before a node stops, so that its terminals can still say why. */
  private readonly stoppingListeners: ((layer: NodeLayer, reason: string) => void)[] = [];

  /** `limitBytes` null: no limit, and no measuring. */
  constructor(
    engines: Engines,
    limitBytes: number | null,
    stopped: (layer: NodeLayer, limitBytes: number) => void,
    log: Log,
  ) {
    this.engines = engines;
    this.limitBytes = limitBytes;
    this.stopped = stopped;
    this.log = log;
  }

  onStopping(listener: (layer: NodeLayer, reason: string) => void): void {
    this.stoppingListeners.push(listener);
  }

  /** One look at every engine; an engine that does not answer is looked at next time. */
  async run(): Promise<void> {
    const limit = this.limitBytes;
    if (limit === null) return;
    await Promise.all(
      this.engines.list().map(async ({ spec, engine }) => {
        try {
          for (const layer of overLimit(await runningNodeLayers(engine), limit)) {
            for (const listener of this.stoppingListeners)
              listener(layer, diskLimitReason(layer.bytes, limit));
            await stopNode(engine, layer.id);
            this.stopped(layer, limit);
            this.log.info(
              { engine: spec.name, lab: layer.lab, node: layer.node, bytes: layer.bytes },
              "node stopped at its disk limit",
            );
          }
        } catch (error) {
          this.log.error(
            { engine: spec.name, err: errorMessage(error) },
            "writable layers look failed",
          );
        }
      }),
    );
  }
}
