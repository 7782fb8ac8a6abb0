// Engines from a swarm: the settings of an engines file's `swarm:` section, the mapping of a
// manager's node listing to engines (names, addresses, drain and pause, capacity labels, nodes
// that cannot be engines), and a pool kept in step with a swarm whose nodes join, drain, come
// back and stop answering.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configuredEngines } from "../../src/engines/configured.ts";
import { labNeeds } from "../../src/engines/placement.ts";
import { EnginePool } from "../../src/engines/pool.ts";
import { SwarmSource } from "../../src/engines/source.ts";
import { EngineSpecError } from "../../src/engines/spec.ts";
import {
  nodeAddress,
  nodeName,
  type SwarmSettings,
  swarmEngines,
  toSwarmSettings,
} from "../../src/engines/swarm.ts";
import { planLab } from "../../src/plan/plan.ts";
import type { SwarmNode } from "../../src/runtime/docker/port.ts";
import { GUARD_IMAGE } from "../../src/runtime/host-guard.ts";
import { writeLabRecord } from "../../src/runtime/lab-record.ts";
import { openDb } from "../../src/store/db.ts";
import { node as labNode, network, request, topology } from "../plan/helpers.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const CLIENT = "socketlab/client:latest";

const settings: SwarmSettings = toSwarmSettings({
  manager: { host: "unix:///var/run/docker.sock" },
  nodes: { host: "tcp://{addr}:2375", insecure: true },
});

function swarmNode(
  id: string,
  addr: string,
  fields: {
    hostname?: string;
    availability?: string;
    labels?: Record<string, string>;
    role?: string;
    leader?: boolean;
  } = {},
): SwarmNode {
  return {
    ID: id,
    Spec: {
      Labels: fields.labels ?? {},
      Availability: fields.availability ?? "active",
      Role: fields.role ?? (fields.leader ? "manager" : "worker"),
    },
    Description: { Hostname: fields.hostname ?? "lab-host" },
    Status: { Addr: addr },
    ...(fields.leader ? { ManagerStatus: { Leader: true, Addr: `${addr}:2377` } } : {}),
  };
}

describe("swarm settings", () => {
  it("take a manager as an engine and a node pattern with {addr}", () => {
    expect(settings.manager).toMatchObject({
      name: "manager",
      host: "unix:///var/run/docker.sock",
    });
    expect(settings.nodes).toEqual({ host: "tcp://{addr}:2375", insecure: true });
  });

  it.each([
    [{ nodes: { host: "tcp://{addr}:2375" } }, "swarm.manager"],
    [{ manager: {}, nodes: { host: "tcp://h:2375", insecure: true } }, "swarm.nodes.host"],
    [{ manager: {}, nodes: {} }, "swarm.nodes.host"],
    [{ manager: {}, nodes: { host: "{addr}" } }, "swarm.nodes.host"],
    [{ manager: { host: "ftp://x" }, nodes: { host: "tcp://{addr}:1" } }, "swarm.manager.host"],
    // The pattern is held to an engine's rules: Docker's API over a network needs TLS.
    [{ manager: {}, nodes: { host: "tcp://{addr}:2375" } }, "swarm.nodes.tls"],
    [{ manager: {}, nodes: { host: "tcp://{addr}:1", capacity: { labs: 0 } } }, "capacity.labs"],
    [{ manager: {}, nodes: { host: "tcp://{addr}:1", insecure: true }, extra: 1 }, "swarm"],
    ["swarm", "swarm"],
  ])("refuse %j, naming %s", (input, field) => {
    expect(() => toSwarmSettings(input)).toThrow(EngineSpecError);
    expect(() => toSwarmSettings(input)).toThrow(field);
  });
});

describe("a swarm's nodes as engines", () => {
  it("are reached at each node's address, named by host name and id", () => {
    const [engine] = swarmEngines([swarmNode("abcdef0123456789", "10.1.2.3")], settings);
    expect(engine).toEqual({
      id: "abcdef0123456789",
      ok: true,
      spec: {
        name: "lab-host-abcdef0",
        host: "tcp://10.1.2.3:2375",
        insecure: true,
        drained: false,
        capacity: { labs: null, memoryBytes: null },
      },
    });
  });

  it("come leader first, then managers, then workers, each by name", () => {
    const names = swarmEngines(
      [
        swarmNode("w2aaaaaa", "10.0.0.5", { hostname: "b" }),
        swarmNode("w1aaaaaa", "10.0.0.4", { hostname: "a" }),
        swarmNode("m2aaaaaa", "10.0.0.3", { role: "manager", hostname: "z" }),
        swarmNode("m1aaaaaa", "10.0.0.2", { leader: true, hostname: "y" }),
      ],
      settings,
    ).map((e) => e.ok && e.spec.name);
    expect(names).toEqual(["y-m1aaaaa", "z-m2aaaaa", "a-w1aaaaa", "b-w2aaaaa"]);
  });

  it.each([
    ["active", false],
    ["drain", true],
    ["pause", true],
    ["something new", true],
  ])("with availability %s are drained: %s", (availability, drained) => {
    const [engine] = swarmEngines([swarmNode("n1", "10.0.0.2", { availability })], settings);
    expect(engine?.ok && engine.spec.drained).toBe(drained);
  });

  it("take a name, a lab capacity and a memory capacity from labels", () => {
    const labels = {
      "socketlab.name": "rack-1",
      "socketlab.capacity": "12",
      "socketlab.memory": "8g",
    };
    const [engine] = swarmEngines([swarmNode("n1", "10.0.0.2", { labels })], settings);
    expect(engine).toMatchObject({
      ok: true,
      spec: { name: "rack-1", capacity: { labs: 12, memoryBytes: 8 * 1024 ** 3 } },
    });
  });

  it("keep the pattern's capacity where no label says otherwise", () => {
    const withCapacity = toSwarmSettings({
      manager: {},
      nodes: { host: "tcp://{addr}:2375", insecure: true, capacity: { labs: 4, memory: "1g" } },
    });
    const [engine] = swarmEngines(
      [swarmNode("n1", "10.0.0.2", { labels: { "socketlab.capacity": "9" } })],
      withCapacity,
    );
    expect(engine?.ok && engine.spec.capacity).toEqual({ labs: 9, memoryBytes: 1024 ** 3 });
  });

  it("reach each node through its agent when the pattern says so", () => {
    const agent = { ca: "/etc/socketlab/agent-ca.pem", secretFile: "/etc/socketlab/agent-secret" };
    const throughAgents = toSwarmSettings({
      manager: {},
      nodes: { host: "tcp://{addr}:2378", agent },
    });
    const engines = swarmEngines(
      [swarmNode("n1", "10.0.0.2", {}), swarmNode("n2", "fd00::3", {})],
      throughAgents,
    );
    expect(engines.map((e) => e.ok && [e.spec.host, e.spec.agent])).toEqual([
      ["tcp://10.0.0.2:2378", agent],
      ["tcp://[fd00::3]:2378", agent],
    ]);
    expect(() =>
      toSwarmSettings({ manager: {}, nodes: { host: "tcp://{addr}:2378", agent: { ca: "c" } } }),
    ).toThrow("swarm.nodes.agent.secretFile");
  });

  it.each([
    [{ "socketlab.capacity": "0" }, "label socketlab.capacity"],
    [{ "socketlab.capacity": "many" }, "label socketlab.capacity"],
    [{ "socketlab.capacity": "-3" }, "label socketlab.capacity"],
    [{ "socketlab.capacity": "1e3" }, "label socketlab.capacity"],
    [{ "socketlab.memory": "lots" }, "label socketlab.memory"],
    [{ "socketlab.name": "Rack 1" }, "name: lowercase"],
    [{ "socketlab.name": "" }, "name: lowercase"],
  ])("are no engine with labels %j, and say why", (labels, why) => {
    const [engine] = swarmEngines([swarmNode("n1", "10.0.0.2", { labels })], settings);
    expect(engine).toMatchObject({ id: "n1", ok: false });
    expect(engine?.ok === false && engine.reason).toContain(why);
    expect(engine?.ok === false && engine.reason).toContain("swarm node");
  });

  it("give a name once: a second node labelled with it is no engine", () => {
    const labels = { "socketlab.name": "rack-1" };
    const engines = swarmEngines(
      [swarmNode("n1", "10.0.0.2", { labels }), swarmNode("n2", "10.0.0.3", { labels })],
      settings,
    );
    expect(engines.map((e) => e.ok)).toEqual([true, false]);
    expect(engines[1]?.ok === false && engines[1].reason).toContain("rack-1 is node n1's");
  });

  it("need an address", () => {
    const [engine] = swarmEngines([{ ID: "n1" }], settings);
    expect(engine?.ok === false && engine.reason).toContain("no address");
  });
});

describe("a node's name and address", () => {
  it.each([
    [
      { ID: "ABCDEFGHIJ", Description: { Hostname: "Lab_Host.example.org" } },
      "lab-host-example-org-abcdefg",
    ],
    [{ ID: "abcdefghij", Description: { Hostname: "--" } }, "node-abcdefg"],
    [{ ID: "abcdefghij" }, "node-abcdefg"],
    [{ ID: "abcdefghij", Description: { Hostname: "a".repeat(40) } }, `${"a".repeat(24)}-abcdefg`],
  ])("%j is named %s", (node, name) => {
    expect(nodeName(node)).toBe(name);
    expect(name).toMatch(/^[a-z0-9][a-z0-9-]{0,31}$/);
  });

  it.each([
    [{ Status: { Addr: "10.0.0.2" } }, "10.0.0.2"],
    [{ Status: { Addr: "0.0.0.0" }, ManagerStatus: { Addr: "10.0.0.9:2377" } }, "10.0.0.9"],
    [{ Status: { Addr: "0.0.0.0" }, ManagerStatus: { Addr: "[fd00::9]:2377" } }, "fd00::9"],
    [{ Status: { Addr: "0.0.0.0" } }, null],
    [{}, null],
  ])("%j is reached at %s", (fields, address) => {
    expect(nodeAddress({ ID: "n1", ...fields })).toBe(address);
  });

  it("puts an IPv6 address in brackets in the host", () => {
    const [engine] = swarmEngines([swarmNode("n1", "fd00::2")], settings);
    expect(engine?.ok && engine.spec.host).toBe("tcp://[fd00::2]:2375");
  });
});

/** A swarm whose node listing the test changes, over in-memory engines named by address. */
function memorySwarm(nodes: SwarmNode[]) {
  const engines = new Map<string, MemoryEngine>();
  const engineAt = (host: string) => {
    let engine = engines.get(host);
    if (!engine) {
      engine = new MemoryEngine([CLIENT, GUARD_IMAGE]);
      engines.set(host, engine);
    }
    return engine;
  };
  const manager = { listing: nodes, down: null as string | null };
  const source = new SwarmSource(
    {
      nodes: async () => {
        if (manager.down) throw new Error(manager.down);
        return manager.listing;
      },
    },
    settings,
  );
  const heard: string[] = [];
  const db = openDb(":memory:");
  return {
    manager,
    heard,
    db,
    engineAt: (addr: string) => engineAt(`tcp://${addr}:2375`),
    pool: async () => {
      const { specs } = await source.engines();
      return EnginePool.fromSpecs(
        specs,
        db,
        null,
        (message) => heard.push(message),
        (spec) => engineAt(spec.host),
        source,
      );
    },
  };
}

function labPlan(lab: string, owner: string) {
  const result = planLab(
    topology([network("lan", "10.0.0.0/24")], [labNode("pc", { lan: 10 })]),
    request({ lab, owner }),
  );
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

const loads = async (pool: EnginePool) =>
  (await pool.reports()).map((r) => [r.name, r.available, r.drained, r.labs]);

describe("a pool over a swarm", () => {
  it("takes in a node that joins, with no one adding it", async () => {
    const swarm = memorySwarm([swarmNode("n1aaaaaa", "10.0.0.2", { leader: true })]);
    const pool = await swarm.pool();
    await writeLabRecord(swarm.engineAt("10.0.0.2"), labPlan("lab-0", "bob"));
    await pool.rebuild();
    expect(await loads(pool)).toEqual([["lab-host-n1aaaaa", true, false, 1]]);
    swarm.manager.listing = [...swarm.manager.listing, swarmNode("n2aaaaaa", "10.0.0.3")];
    const member = await pool.place("lab-1", "alice", labNeeds(labPlan("lab-1", "alice")));
    // The newcomer holds nothing, the leader one lab: the new lab goes to the newcomer.
    expect(member.spec.name).toBe("lab-host-n2aaaaa");
    expect(member.engine).toBe(swarm.engineAt("10.0.0.3"));
  });

  it("drains a node drained or paused in the swarm, and opens it when it is active again", async () => {
    const swarm = memorySwarm([
      swarmNode("n1aaaaaa", "10.0.0.2", { leader: true }),
      swarmNode("n2aaaaaa", "10.0.0.3"),
    ]);
    const pool = await swarm.pool();
    for (const availability of ["drain", "pause"]) {
      swarm.manager.listing = [
        swarmNode("n1aaaaaa", "10.0.0.2", { leader: true, availability }),
        swarmNode("n2aaaaaa", "10.0.0.3"),
      ];
      expect(await loads(pool)).toEqual([
        ["lab-host-n1aaaaa", true, true, 0],
        ["lab-host-n2aaaaa", true, false, 0],
      ]);
      for (const lab of ["a", "b"]) {
        const member = await pool.place(lab, lab, labNeeds(labPlan(lab, lab)));
        expect(member.spec.name).toBe("lab-host-n2aaaaa");
        pool.abandon(lab);
      }
    }
    swarm.manager.listing = [
      swarmNode("n1aaaaaa", "10.0.0.2", { leader: true }),
      swarmNode("n2aaaaaa", "10.0.0.3"),
    ];
    expect((await loads(pool)).map((l) => l[2])).toEqual([false, false]);
  });

  it("keeps a drain set through the API while the swarm says active", async () => {
    const swarm = memorySwarm([swarmNode("n1aaaaaa", "10.0.0.2", { leader: true })]);
    const pool = await swarm.pool();
    pool.drain("lab-host-n1aaaaa", true);
    expect((await loads(pool))[0]?.[2]).toBe(true);
    // A service started afresh on the same store keeps it too.
    expect((await (await swarm.pool()).reports())[0]?.drained).toBe(true);
  });

  it("shows the labs of a node that stops answering as unavailable, and of a node that leaves", async () => {
    const swarm = memorySwarm([
      swarmNode("n1aaaaaa", "10.0.0.2", { leader: true }),
      swarmNode("n2aaaaaa", "10.0.0.3"),
    ]);
    const pool = await swarm.pool();
    await writeLabRecord(swarm.engineAt("10.0.0.3"), labPlan("lab-1", "alice"));
    await pool.rebuild();
    swarm.engineAt("10.0.0.3").takeDown("gone");
    expect(await loads(pool)).toEqual([
      ["lab-host-n1aaaaa", true, false, 0],
      ["lab-host-n2aaaaa", false, false, 1],
    ]);
    expect(await pool.labs()).toMatchObject([
      { engine: "lab-host-n2aaaaa", available: false, record: { lab: "lab-1" } },
    ]);
    // Removed from the swarm, it stays in the pool while it holds the lab.
    swarm.manager.listing = [swarmNode("n1aaaaaa", "10.0.0.2", { leader: true })];
    expect((await loads(pool)).map((l) => l[0])).toEqual(["lab-host-n1aaaaa", "lab-host-n2aaaaa"]);
    const member = await pool.place("lab-2", "bob", labNeeds(labPlan("lab-2", "bob")));
    expect(member.spec.name).toBe("lab-host-n1aaaaa");
  });

  it("reaches a node at its new address when it comes back elsewhere", async () => {
    const swarm = memorySwarm([swarmNode("n1aaaaaa", "10.0.0.2", { leader: true })]);
    const pool = await swarm.pool();
    swarm.manager.listing = [swarmNode("n1aaaaaa", "10.0.0.7", { leader: true })];
    await pool.reports();
    expect(pool.list()[0]?.engine).toBe(swarm.engineAt("10.0.0.7"));
    expect(pool.list()[0]?.spec.host).toBe("tcp://10.0.0.7:2375");
  });

  it("keeps its engines while the manager does not answer, saying so once; and what it cannot take in", async () => {
    const swarm = memorySwarm([swarmNode("n1aaaaaa", "10.0.0.2", { leader: true })]);
    const pool = await swarm.pool();
    swarm.manager.down = "connect ECONNREFUSED";
    expect(await loads(pool)).toEqual([["lab-host-n1aaaaa", true, false, 0]]);
    await pool.readiness(() => {});
    expect(swarm.heard).toEqual([
      "the swarm does not answer (connect ECONNREFUSED); the pool keeps the engines it knew",
    ]);
    swarm.manager.down = null;
    swarm.manager.listing = [
      swarmNode("n1aaaaaa", "10.0.0.2", { leader: true }),
      swarmNode("n2aaaaaa", "10.0.0.3", { labels: { "socketlab.capacity": "none" } }),
    ];
    await pool.reports();
    await pool.reports();
    expect(swarm.heard).toHaveLength(2);
    expect(swarm.heard[1]).toContain("label socketlab.capacity");
    expect(pool.list()).toHaveLength(1);
  });
});

describe("an engines file naming a swarm", () => {
  it.each([
    ["swarm:\n  manager: {}\n", "swarm.nodes"],
    [
      "swarm:\n  manager: { host: 'unix:///nowhere/docker.sock' }\n  nodes: { host: 'tcp://{addr}:2375', insecure: true }\n",
      "the swarm manager at unix:///nowhere/docker.sock does not list its nodes",
    ],
  ])("%j is refused: %s", async (text, why) => {
    const file = join(await mkdtemp(join(tmpdir(), "sl-swarm-")), "engines.yaml");
    await writeFile(file, text);
    await expect(configuredEngines(file)).rejects.toThrow(why);
    await expect(configuredEngines(file)).rejects.toThrow(file);
  });
});
