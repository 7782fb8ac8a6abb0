// The writable layers' watch against the in-memory engine: a running node past the limit is told,
// stopped and audited; nodes under it, nodes of other labs and stopped nodes are left alone; no
// limit measures nothing. The setting's parsing too.
import { beforeEach, describe, expect, it } from "vitest";
import { DiskWatch, diskLimitReason } from "../../src/classroom/disk-watch.ts";
import { DEFAULT_NODE_DISK_BYTES, nodeDiskLimit } from "../../src/config.ts";
import { SingleEngine } from "../../src/engines/single.ts";
import { converge } from "../../src/runtime/converge.ts";
import type { NodeLayer } from "../../src/runtime/writable-layers.ts";
import { MemoryEngine } from "../support/memory-engine.ts";
import { twoNodeLab } from "./two-node-lab.ts";

const CLIENT = "socketlab/client:latest";
const MIB = 1024 * 1024;
const silentLog = { info: () => {}, error: () => {} };
let engine: MemoryEngine;
let events: string[];

function watch(limit: number | null): DiskWatch {
  const made = new DiskWatch(
    new SingleEngine(engine),
    limit,
    (layer: NodeLayer, limitBytes: number) =>
      events.push(`audit ${layer.lab} ${layer.node} ${layer.bytes} ${limitBytes}`),
    silentLog,
  );
  made.onStopping((layer, reason) => {
    // Told while the node still runs, so that its terminals can say why.
    events.push(`told ${layer.node} ${engine.container(layer.id).state} ${reason}`);
  });
  return made;
}

const written = (name: string, bytes: number) => {
  engine.container(name).writtenBytes = bytes;
};

beforeEach(async () => {
  engine = new MemoryEngine([CLIENT, "socketlab/host-guard:latest"]);
  engine.onExec = () => ({ exitCode: 0 });
  await converge(engine, twoNodeLab("one"));
  await converge(engine, twoNodeLab("two", ["10.200.0.0/24"]));
  events = [];
});

describe("the writable layers' watch", () => {
  it("tells, stops and audits a node past the limit, and only it", async () => {
    written("sl_one_a", 101 * MIB);
    written("sl_one_b", 100 * MIB);
    written("sl_two_a", 5 * MIB);
    await watch(100 * MIB).run();
    expect(events).toEqual([
      `told a running ${diskLimitReason(101 * MIB, 100 * MIB)}`,
      `audit one a ${101 * MIB} ${100 * MIB}`,
    ]);
    expect(engine.container("sl_one_a").state).toBe("exited");
    for (const name of ["sl_one_b", "sl_two_a", "sl_two_b"]) {
      expect(engine.container(name).state).toBe("running");
    }
    // Stopped, it is not measured again.
    events = [];
    await watch(100 * MIB).run();
    expect(events).toEqual([]);
  });

  it("measures nothing without a limit", async () => {
    written("sl_one_a", 10 * 1024 * MIB);
    engine.calls.length = 0;
    await watch(null).run();
    expect(engine.calls).toEqual([]);
    expect(engine.container("sl_one_a").state).toBe("running");
  });

  it("says why in words, with what was written and the limit", () => {
    expect(diskLimitReason(2355 * MIB, 2 * 1024 * MIB)).toBe(
      "this node wrote 2.3 GiB to its disk, over its limit of 2 GiB, and was stopped; its files are kept: resume the lab to start it again, then delete files (or ask for a reset)",
    );
    expect(diskLimitReason(301 * MIB + 12345, 100 * MIB)).toMatch(
      /^this node wrote 301 MiB to its disk, over its limit of 100 MiB,/,
    );
    expect(diskLimitReason(1023.6 * MIB, 1000 * MIB)).toMatch(/wrote 1024 MiB .* of 1000 MiB,/);
  });
});

describe("SOCKETLAB_NODE_DISK", () => {
  it("is a size, 0 for no limit, 2 GiB unset", () => {
    expect(nodeDiskLimit({})).toBe(DEFAULT_NODE_DISK_BYTES);
    expect(DEFAULT_NODE_DISK_BYTES).toBe(2 * 1024 * MIB);
    expect(nodeDiskLimit({ SOCKETLAB_NODE_DISK: " 500m " })).toBe(500 * MIB);
    expect(nodeDiskLimit({ SOCKETLAB_NODE_DISK: "0" })).toBeNull();
    expect(() => nodeDiskLimit({ SOCKETLAB_NODE_DISK: "lots" })).toThrow(
      "SOCKETLAB_NODE_DISK must be a size such as 500m or 2g (0: no limit)",
    );
  });
});
