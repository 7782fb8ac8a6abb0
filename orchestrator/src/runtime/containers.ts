// Lab node containers: created from a NodePlan with every network, address and file in place
// before the first start, so a node never runs half-configured.
import { GATE_DIR } from "../plan/container.ts";
import { NO_UPSTREAM_DNS } from "../plan/resolver.ts";
import type { NodePlan } from "../plan/types.ts";
import { type Engine, hasStatus, isNotFound } from "./engine.ts";
import { filesArchive } from "./files.ts";

/** A node's container, networks, addresses and files: ready for its first start. */
export async function createNodeContainer(engine: Engine, node: NodePlan): Promise<string> {
  const id = await createContainer(engine, node);
  if (node.files.length > 0) await injectFiles(engine, id, await filesArchive(node.files));
  return id;
}

/** The container on every network of its node, at its addresses; its files are not in yet. */
export async function createContainer(engine: Engine, node: NodePlan): Promise<string> {
  const [primary, ...others] = node.endpoints;
  if (!primary) throw new Error(`node ${node.name} has no network`);
  const id = await engine.containers.create({
    name: node.containerName,
    Hostname: node.hostname,
    Image: node.image,
    Cmd: node.command,
    Entrypoint: [],
    Env: node.env,
    Labels: node.labels,
    HostConfig: {
      // Docker's init reaps zombies and forwards signals, so stop and reset are quick.
      Init: true,
      NetworkMode: primary.dockerNetwork,
      CapAdd: node.capabilities,
      Sysctls: node.sysctls,
      ExtraHosts: node.extraHosts,
      // Never the engine host's resolver (plan/resolver.ts), for nodes of older records too.
      Dns: node.dns ?? [NO_UPSTREAM_DNS],
      Memory: node.limits.memoryBytes,
      // No swap beyond the memory limit: a memory hog hits its limit instead of the disk.
      MemorySwap: node.limits.memoryBytes,
      NanoCpus: node.limits.nanoCpus,
      PidsLimit: node.limits.pids,
      RestartPolicy: { Name: "unless-stopped" },
      // Fresh at every start: the node waits for socketlab to open it (plan/container.ts).
      Tmpfs: { [GATE_DIR]: "size=16k,mode=0755" },
    },
    NetworkingConfig: {
      EndpointsConfig: {
        [primary.dockerNetwork]: { IPAMConfig: { IPv4Address: primary.address } },
      },
    },
  });
  // API 1.41 attaches one network at creation; the rest are connected before the start.
  for (const endpoint of others) {
    await engine.networks.connect(endpoint.dockerNetwork, id, endpoint.address);
  }
  return id;
}

/** Puts a node's files, as made by filesArchive, into its container. */
export async function injectFiles(engine: Engine, id: string, archive: Buffer): Promise<void> {
  await engine.containers.putArchive(id, archive, "/");
}

export async function startContainer(engine: Engine, id: string): Promise<void> {
  try {
    await engine.containers.start(id);
  } catch (error) {
    // 304: already running.
    if (!hasStatus(error, 304)) throw error;
  }
}

/** Removes at once (SIGKILL): lab nodes hold nothing that needs a clean shutdown. */
export async function removeContainer(engine: Engine, id: string): Promise<void> {
  try {
    await engine.containers.remove(id);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function containerLogsTail(engine: Engine, id: string, lines = 20): Promise<string> {
  const logs = await engine.containers.logs(id, lines);
  // Without a TTY the log is multiplexed: 8-byte frame headers before each chunk.
  return stripFrameHeaders(logs);
}

function stripFrameHeaders(buffer: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const length = buffer.readUInt32BE(offset + 4);
    parts.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(parts).toString("utf8").trim();
}
