// A pool whose engines are the nodes of a Docker Swarm (support/swarm.ts: three extra engines on
// this machine, each in its own network namespace, joined into one swarm), each reached through
// a socketlab agent in its namespace (support/agents.ts), manager included, behind the service as
// an engines file's `swarm:` section sets it up: the class's labs spread over the nodes, each lab
// whole on one node on bridges of its own; a node drained in the swarm takes no new lab; a node
// whose dockerd is killed shows its labs unavailable and new labs go elsewhere; a node that joins
// later receives labs, with no socketlab command. A lab on a node has its host guard's rules in
// that node's namespace: its nodes reach neither the node's engine nor its agent, which the
// service reaches; its hub-mode LAN lets the sniffer see its neighbours and a spoofed packet
// arrive, as on one machine.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import { configuredEngines } from "../../../orchestrator/src/engines/configured.ts";
import { TOPOLOGIES_DIR } from "../../../orchestrator/src/paths.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { GUARD_IMAGE } from "../../../orchestrator/src/runtime/host-guard.ts";
import { imageTag } from "../../../orchestrator/src/runtime/images/catalog.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import { agentPingStatus } from "../../../orchestrator/tests/support/agent-ping.ts";
import {
  AGENT_PORT,
  type AgentFiles,
  agentFiles,
  agentHost,
  startAgent,
  swarmEnginesFile,
  type TestAgent,
} from "../../../support/agents.ts";
import type { ExtraEngine } from "../../../support/extra-engines.ts";
import { NODE_ADDRESSES, startSwarm, type TestSwarm } from "../../../support/swarm.ts";
import { apiRequest, type Method } from "../../support/api.ts";
import { sh } from "../engine.ts";
import { SNIFFING_SPOOFING_CHECKS, solveSniffingSpoofing } from "../library/sniffing-spoofing.ts";
import { expectChecks } from "../library/solutions.ts";
import { onePcTopology } from "./topology.ts";

const execFileAsync = promisify(execFile);
const run = randomBytes(2).toString("hex");
const TOPOLOGY = `it-swarm-${run}`;
const CLIENT = imageTag("client");
/** The library lab whose LAN is a hub, with a sniffer and a spoofer on it. */
const HUB_LAB = "sniffing-spoofing";
const STUDENTS = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
/** Every image the labs here need: the nodes get them from the manager, through the agents. */
const IMAGES = [CLIENT, GUARD_IMAGE, ...["ftp", "sniffer", "attacker"].map(imageTag)];

let swarm: TestSwarm;
let files: AgentFiles;
const agents: TestAgent[] = [];
let app: App;
let instructor = "";
const logins: Record<string, string> = {};
const labs: Record<string, string> = {};

const call = (method: Method, url: string, payload?: object) =>
  apiRequest(app, method, url, instructor, payload);

async function createLab(student: string, topology = TOPOLOGY): Promise<string> {
  const response = await call("POST", "/api/labs", { topology, owner: logins[student] });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().lab;
}

/** The swarm node (extra engine) whose engine holds the lab's record. */
async function nodeOf(lab: string): Promise<ExtraEngine | null> {
  for (const e of swarm.engines) {
    if (await readLabRecord(e.engine, lab).catch(() => null)) return e;
  }
  return null;
}

/** The node's swarm id, as its own engine knows it. */
async function swarmId(engine: ExtraEngine): Promise<string> {
  const info = (await engine.docker.info()) as { Swarm: { NodeID: string } };
  return info.Swarm.NodeID;
}

/** The engine name the pool gives the node: host name and the start of the swarm id. */
async function engineName(engine: ExtraEngine): Promise<string> {
  const reports = (await call("GET", "/api/engines")).json() as { name: string }[];
  const id = (await swarmId(engine)).slice(0, 7);
  return reports.find((r) => r.name.endsWith(`-${id}`))?.name as string;
}

async function setAvailability(engine: ExtraEngine, availability: string): Promise<void> {
  const manager = (swarm.engines[0] as ExtraEngine).docker;
  const node = manager.getNode(await swarmId(engine));
  const inspected = (await node.inspect()) as { Version: { Index: number }; Spec: object };
  await node.update({
    version: inspected.Version.Index,
    ...inspected.Spec,
    Availability: availability,
  });
}

async function labState(lab: string): Promise<string> {
  const response = await call("GET", `/api/labs/${lab}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().state;
}

beforeAll(async () => {
  // Only the manager gets the images: the other nodes receive them when a lab is placed there.
  swarm = await startSwarm(["s1", "s2", "s3"], []);
  await (swarm.engines[0] as ExtraEngine).load(IMAGES);
  const dir = await mkdtemp(join(tmpdir(), "sl-it-swarm-"));
  files = agentFiles(dir, NODE_ADDRESSES);
  agents.push(...(await Promise.all(swarm.engines.map((e) => startAgent(e, files)))));
  await mkdir(join(dir, TOPOLOGY));
  await writeFile(join(dir, TOPOLOGY, "topology.yaml"), onePcTopology(TOPOLOGY));
  await cp(join(TOPOLOGIES_DIR, HUB_LAB), join(dir, HUB_LAB), { recursive: true });
  const file = join(dir, "engines.yaml");
  await writeFile(file, swarmEnginesFile(swarm.addressOf(swarm.engines[0] as ExtraEngine), files));
  const { specs, primary, source } = await configuredEngines(file);
  expect(specs).toHaveLength(3);
  app = await buildApp({
    engine: primary,
    ...(specs ? { engines: specs } : {}),
    ...(source ? { engineSource: source } : {}),
    dataDir: ":memory:",
    libraryDir: dir,
    sweepEveryMs: 0,
  });
  instructor = ensureInstructor(app.db) as string;
  await app.ready();
  const created = await call("POST", "/api/classes", {
    name: `swarm ${run}`,
    students: STUDENTS.map((x) => ({ name: x, id: `${x}-${run}` })),
  });
  expect(created.statusCode, created.body).toBe(201);
  const cls = created.json() as { students: { login: string }[] };
  STUDENTS.forEach((x, i) => {
    logins[x] = cls.students[i]?.login as string;
  });
}, 900_000);

afterAll(async () => {
  await app?.close();
  await Promise.all(agents.map((a) => a.stop()));
  // Every lab lived on the swarm's engines only: removing them removes the labs.
  await swarm?.destroy();
}, 600_000);

describe("a pool of a swarm's nodes", () => {
  it("has every node of the swarm as an engine, leader first, the others by name", async () => {
    const reports = (await call("GET", "/api/engines")).json() as {
      name: string;
      host: string;
      available: boolean;
      drained: boolean;
    }[];
    const [leader, ...others] = await Promise.all(
      swarm.engines.map(async (e) => ({
        name: await engineName(e),
        host: agentHost(swarm.addressOf(e)),
        available: true,
        drained: false,
      })),
    );
    const expected = [leader, ...others.sort((x, y) => x.name.localeCompare(y.name))];
    expect(
      reports.map(({ name, host, available, drained }) => ({ name, host, available, drained })),
    ).toEqual(expected);
  });

  it("spreads the class's labs over the nodes, each lab whole on one node on its own bridge", async () => {
    for (const student of ["a", "b", "c"]) labs[student] = await createLab(student);
    const nodes = await Promise.all(["a", "b", "c"].map((s) => nodeOf(labs[s] as string)));
    expect(nodes.map((n) => n?.name).sort()).toEqual(["s1", "s2", "s3"]);
    for (const [i, student] of ["a", "b", "c"].entries()) {
      const lab = labs[student] as string;
      const home = nodes[i] as ExtraEngine;
      for (const e of swarm.engines) {
        const containers = await e.docker.listContainers({
          filters: JSON.stringify({ label: [`io.socketlab.lab=${lab}`] }),
        });
        expect(containers.length > 0, `${lab} on ${e.name}`).toBe(e === home);
      }
      const plan = await readLabRecord(home.engine, lab);
      const network = await home.docker
        .getNetwork(plan?.networks[0]?.dockerName as string)
        .inspect();
      // A local bridge of the node's own, not one of the swarm's overlays.
      expect(network).toMatchObject({ Driver: "bridge", Scope: "local" });
    }
  });

  it("places no new lab on a node drained or paused in the swarm", async () => {
    const [, s2, s3] = swarm.engines as [ExtraEngine, ExtraEngine, ExtraEngine];
    await setAvailability(s2, "drain");
    await setAvailability(s3, "pause");
    const reports = (await call("GET", "/api/engines")).json() as {
      name: string;
      drained: boolean;
    }[];
    expect(reports.map((r) => r.drained)).toEqual([false, true, true]);
    // Every node holds one lab: without the drains the new labs would spread over all three.
    labs.d = await createLab("d");
    labs.e = await createLab("e");
    expect((await nodeOf(labs.d))?.name).toBe("s1");
    expect((await nodeOf(labs.e))?.name).toBe("s1");
    await setAvailability(s2, "active");
    await setAvailability(s3, "active");
  });

  it("shows a killed node's labs unavailable and places new labs elsewhere", async () => {
    const s3 = swarm.engines[2] as ExtraEngine;
    const homes = await Promise.all(["a", "b", "c"].map((x) => nodeOf(labs[x] as string)));
    const onS3 = labs[["a", "b", "c"][homes.indexOf(s3)] as string] as string;
    const name = await engineName(s3);
    await s3.kill();
    expect(await labState(onS3)).toBe("unavailable");
    const reports = (await call("GET", "/api/engines")).json() as {
      name: string;
      available: boolean;
    }[];
    expect(reports.filter((r) => !r.available).map((r) => r.name)).toEqual([name]);
    // s1 holds three labs, s2 one: both new labs go to s2, none to the dead s3.
    labs.f = await createLab("f");
    labs.g = await createLab("g");
    expect((await nodeOf(labs.f))?.name).toBe("s2");
    expect((await nodeOf(labs.g))?.name).toBe("s2");
  });

  it("places labs on a node that joins the swarm later, with no socketlab command", async () => {
    const s4 = await swarm.join("s4");
    agents.push(await startAgent(s4, files));
    const name = await engineName(s4);
    expect(name).toBeDefined();
    // s4 holds nothing: the new lab goes there, its images copied from another node.
    labs.h = await createLab("h");
    expect((await nodeOf(labs.h))?.name).toBe("s4");
  });
});

describe("a lab on a swarm node", () => {
  let lab = "";
  let home: ExtraEngine;
  let bridge = "";
  let gateway = "";

  beforeAll(async () => {
    lab = await createLab("i", HUB_LAB);
    home = (await nodeOf(lab)) as ExtraEngine;
    const network = (await readLabRecord(home.engine, lab))?.networks[0];
    bridge = network?.bridgeName as string;
    gateway = network?.gateway as string;
  }, 600_000);

  it("has its host guard's rules, the catch-all first, in that node's namespace", async () => {
    for (const tool of ["iptables", "ip6tables"]) {
      const input = await inNamespace(home, [tool, "-w", "-S", "INPUT"]);
      expect(input, tool).toContain("-A INPUT -i sl+ -j DROP");
      expect(input, tool).toContain(`-A INPUT -i ${bridge} -j DROP`);
    }
    expect(await inNamespace(home, ["iptables", "-w", "-S", "DOCKER-USER"])).toContain(
      `-A DOCKER-USER -i ${bridge} -o ${bridge} -j ACCEPT`,
    );
    // Hub mode, set on the node's own bridge; this machine's namespace has no such bridge.
    expect(await inNamespace(home, ["ip", "-d", "link", "show", bridge])).toContain(
      "ageing_time 0 ",
    );
    await expect(execFileAsync("ip", ["link", "show", bridge])).rejects.toThrow();
  });

  it("lets its nodes reach neither the node's engine nor its agent, which the service reaches", async () => {
    const address = swarm.addressOf(home);
    // The engine's TCP API (2375) and the agent (2378).
    const ports = [2375, AGENT_PORT];
    for (const node of ["alice", "mallory"]) {
      expect(await openPorts(home.engine, lab, node, address, ports), node).toEqual([]);
      expect(await openPorts(home.engine, lab, node, gateway, ports), node).toEqual([]);
    }
    // Controls: the same probe reaches a lab neighbour, and both ports from a container of the
    // node that is on no lab bridge.
    expect(await openPorts(home.engine, lab, "alice", "ftp", [21])).toEqual([21]);
    expect(await openPortsOffLab(home, address, ports)).toEqual(ports);
    // The service reaches the agent; without the secret it gets nothing but 401.
    expect(await agentPing(address, true)).toBe(200);
    expect(await agentPing(address, false)).toBe(401);
  });

  it("lets the sniffer see its neighbours on the hub-mode LAN and a spoofed packet arrive", async () => {
    await expectChecks(home.engine, lab, SNIFFING_SPOOFING_CHECKS, false);
    await solveSniffingSpoofing(home.engine, lab);
  }, 120_000);
});

/** A command in the engine's network namespace; its output. */
async function inNamespace(engine: ExtraEngine, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("nsenter", [`--net=/run/netns/${engine.netns}`, ...args]);
  return stdout;
}

/** TCP connects from a lab node to every `address:port`, at once; the ports that connected. */
async function openPorts(
  engine: Engine,
  lab: string,
  node: string,
  address: string,
  ports: number[],
): Promise<number[]> {
  const result = await sh(engine, lab, node, probeScript(address, ports));
  return openIn(result.stdout);
}

/** The same probe from a container on the node's default bridge, which is no lab's. */
async function openPortsOffLab(
  engine: ExtraEngine,
  address: string,
  ports: number[],
): Promise<number[]> {
  const container = await engine.docker.createContainer({
    Image: CLIENT,
    Cmd: ["/bin/sh", "-c", probeScript(address, ports)],
  });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return openIn(logs.toString("latin1"));
  } finally {
    await container.remove({ force: true });
  }
}

function probeScript(address: string, ports: number[]): string {
  return `${ports.map((port) => `(nc -z -w 2 ${address} ${port} && echo open ${port}) &`).join("\n")}\nwait`;
}

function openIn(output: string): number[] {
  return [...output.matchAll(/open (\d+)/g)].map((m) => Number(m[1])).sort((x, y) => x - y);
}

/** The agent's answer to a ping from this process (where the service runs), with or without the secret. */
function agentPing(address: string, withSecret: boolean): Promise<number> {
  const secret = readFileSync(files.secretFile, "utf8").trim();
  const ca = readFileSync(files.caFile);
  return agentPingStatus(address, AGENT_PORT, ca, withSecret ? secret : undefined);
}
