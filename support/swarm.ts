// A Docker Swarm of extra engines on this machine (extra-engines.ts), for tests of a pool whose
// engines come from a swarm. The engines' namespaces meet on a bridge in a namespace of its own
// (so that the host's firewall, whose forward policy Docker sets to drop, never sees their
// traffic), and this process reaches them over one more link into it: each engine serves its API
// at its address on port 2375, as a node of a real swarm would be reached. Needs root.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { destroyExtraEngines, ExtraEngine } from "./extra-engines.ts";

const run = promisify(execFile);

const NETNS = "sl-test-swarmnet";
const PREFIX = "10.213.0";
/** This process's address on the swarm's network. */
const HOST_ADDRESS = `${PREFIX}.1`;
/** The address each engine gets on the swarm's network, in the order engines are made. */
export const NODE_ADDRESSES = Array.from({ length: 16 }, (_, i) => `${PREFIX}.${10 + i}`);
/** Not "sl…": the host guard drops what arrives on such links (lab bridges). */
const LINK_PREFIX = "tswarm-";

export interface TestSwarm {
  /** The engines, the first one the swarm's manager (and leader). */
  engines: ExtraEngine[];
  /** Joins one more engine to the swarm, as a worker. */
  join(name: string): Promise<ExtraEngine>;
  /** Each engine's address on the swarm's network. */
  addressOf(engine: ExtraEngine): string;
  /** Removes the engines, the namespace and its links. */
  destroy(): Promise<void>;
}

/** Starts the named engines (each with `images` copied in) and joins them into one swarm. */
export async function startSwarm(names: string[], images: string[]): Promise<TestSwarm> {
  if (process.getuid?.() !== 0) {
    throw new Error("a test swarm needs root (ip netns, nsenter, dockerd); CI runs as root");
  }
  const engines: ExtraEngine[] = [];
  /** Every engine made, in the order they were made: all of them go when the swarm does. */
  const made: ExtraEngine[] = [];
  const addresses = new Map<ExtraEngine, string>();
  let next = 0;
  // What a run that was interrupted left behind goes first.
  await removeNetwork();
  await run("ip", ["netns", "add", NETNS]);
  await inNetns(["ip", "link", "add", "br0", "type", "bridge"]);
  await inNetns(["ip", "link", "set", "br0", "up"]);
  await inNetns(["ip", "link", "set", "lo", "up"]);
  await link(`${LINK_PREFIX}host`, null, HOST_ADDRESS);

  const add = async (name: string): Promise<ExtraEngine> => {
    const engine = new ExtraEngine(name);
    made.push(engine);
    await engine.destroy();
    await engine.ensureNetns();
    const address = NODE_ADDRESSES[next++];
    if (address === undefined)
      throw new Error(`a test swarm has ${NODE_ADDRESSES.length} engines at most`);
    await link(`${LINK_PREFIX}${name}`.slice(0, 13), engine.netns, address);
    engine.tcpAddress = address;
    addresses.set(engine, address);
    await engine.start();
    await engine.load(images);
    return engine;
  };
  const joinTo = async (engine: ExtraEngine, manager: ExtraEngine) => {
    const tokens = (await manager.docker.swarmInspect()) as { JoinTokens: { Worker: string } };
    const address = addresses.get(engine) as string;
    await engine.docker.swarmJoin({
      ListenAddr: `${address}:2377`,
      AdvertiseAddr: `${address}:2377`,
      RemoteAddrs: [`${addresses.get(manager)}:2377`],
      JoinToken: tokens.JoinTokens.Worker,
    });
  };

  const swarm: TestSwarm = {
    engines,
    addressOf: (engine) => addresses.get(engine) as string,
    join: async (name) => {
      const engine = await add(name);
      engines.push(engine);
      await joinTo(engine, engines[0] as ExtraEngine);
      return engine;
    },
    destroy: async () => {
      await destroyExtraEngines(made);
      await removeNetwork();
    },
  };
  try {
    // In the names' order, whichever engine starts first: the first is the manager.
    engines.push(...(await Promise.all(names.map(add))));
    const [manager, ...workers] = engines;
    const first = manager as ExtraEngine;
    const address = addresses.get(first) as string;
    await first.docker.swarmInit({
      ListenAddr: `${address}:2377`,
      AdvertiseAddr: `${address}:2377`,
    });
    for (const worker of workers) await joinTo(worker, first);
  } catch (error) {
    await swarm.destroy();
    throw error;
  }
  return swarm;
}

/**
 * A veth pair from the swarm's bridge to `netns` (null: this process's namespace), the far end
 * named eth0 there (or `name` here) with `address`.
 */
async function link(name: string, netns: string | null, address: string): Promise<void> {
  await run("ip", ["link", "add", name, "type", "veth", "peer", "name", `${name}-b`]);
  await run("ip", ["link", "set", `${name}-b`, "netns", NETNS]);
  await inNetns(["ip", "link", "set", `${name}-b`, "master", "br0", "up"]);
  const here = netns ? "eth0" : name;
  if (netns) await run("ip", ["link", "set", name, "netns", netns, "name", "eth0"]);
  const inside = (args: string[]) =>
    netns
      ? run("nsenter", [`--net=/run/netns/${netns}`, ...args])
      : run(args[0] as string, args.slice(1));
  await inside(["ip", "addr", "add", `${address}/24`, "dev", here]);
  await inside(["ip", "link", "set", here, "up"]);
}

function inNetns(args: string[]) {
  return run("nsenter", [`--net=/run/netns/${NETNS}`, ...args]);
}

/** Deleting the namespace takes its bridge and every veth pair with an end in it. */
async function removeNetwork(): Promise<void> {
  // This end first: the namespace's links go with it only once the kernel gets round to it.
  await run("ip", ["link", "del", `${LINK_PREFIX}host`]).catch(() => {});
  if (existsSync(`/run/netns/${NETNS}`)) await run("ip", ["netns", "del", NETNS]);
}
