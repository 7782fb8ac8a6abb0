import { describe, expect, it } from "vitest";
import { type PlanResult, planLab } from "../../src/plan/plan.ts";
import type { LabPlan, NodePlan } from "../../src/plan/types.ts";
import type { CheckDef, NodeDef, Topology } from "../../src/topology/model.ts";
import { network, node, request, topology } from "./helpers.ts";

function plan(topo: Topology, rest: Parameters<typeof request>[0] = {}): LabPlan {
  const result: PlanResult = planLab(topo, request(rest));
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}

function nodeOf(lab: LabPlan, name: string): NodePlan {
  const found = lab.nodes.find((n) => n.name === name);
  if (found === undefined) throw new Error(`no node ${name}`);
  return found;
}

const small = topology(
  [network("lan", "192.168.1.0/24"), network("dmz", "172.16.0.0/24", true)],
  [
    node(
      "router",
      { lan: 254, dmz: 254 },
      {
        capabilities: ["NET_ADMIN"],
        sysctls: { "net.ipv4.ip_forward": "1" },
        start: ["ip route add 10.0.0.0/8 via 172.16.0.1", "dnsmasq"],
        ready: { command: "pidof dnsmasq", timeoutSeconds: 30 },
      },
    ),
    node(
      "web",
      { dmz: 80 },
      {
        env: { PORT: "80", A_FIRST: "x=y" },
        files: [{ path: "/srv/index.html", contentBase64: "aGk=", mode: 0o644 }],
        after: ["router"],
      },
    ),
  ],
);

describe("planLab", () => {
  it("plans every object of a lab", () => {
    const lab = plan(small);
    expect(lab).toEqual({
      lab: "alice",
      owner: "Alice Martin",
      topology: "demo",
      networks: [
        {
          name: "lan",
          dockerName: "sl_alice_lan",
          bridgeName: "slfcb1019e9f0ff",
          subnet: "10.200.0.0/24",
          gateway: "10.200.0.1",
          sniffable: false,
          labels: expect.any(Object),
          hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
        {
          name: "dmz",
          dockerName: "sl_alice_dmz",
          bridgeName: "slf9f33c8a94b54",
          subnet: "10.200.1.0/24",
          gateway: "10.200.1.1",
          sniffable: true,
          labels: expect.any(Object),
          hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
      nodes: [
        {
          name: "router",
          containerName: "sl_alice_router",
          hostname: "router",
          image: "socketlab/client:latest",
          endpoints: [
            { network: "lan", dockerNetwork: "sl_alice_lan", address: "10.200.0.254" },
            { network: "dmz", dockerNetwork: "sl_alice_dmz", address: "10.200.1.254" },
          ],
          env: [],
          extraHosts: ["web:10.200.1.80"],
          dns: ["127.0.0.1"],
          files: [],
          start: ["ip route add 10.0.0.0/8 via 172.16.0.1", "dnsmasq"],
          command: [
            "/bin/sh",
            "-c",
            [
              "if mkfifo /run/socketlab-gate/wake 2>/dev/null; then exec 9<>/run/socketlab-gate/wake; else exec 9</dev/null; fi",
              "until [ -e /run/socketlab-gate/open ]; do read -r _ <&9 || sleep 0.1; done",
              "exec 9<&-",
              "rm -f /run/socketlab-ready.log",
              "set -e",
              "ip route add 10.0.0.0/8 via 172.16.0.1",
              "dnsmasq",
              "tries=0",
              "until (\npidof dnsmasq\n) >/run/socketlab-ready.log 2>&1; do",
              "  tries=$((tries + 1))",
              '  if [ "$tries" -lt 20 ]; then sleep 0.05; else sleep 0.25; fi',
              "done",
              "touch /run/socketlab-gate/started",
              "{ [ ! -p /run/socketlab-gate/ready ] || echo 1<>/run/socketlab-gate/ready; }",
              "exec sleep infinity",
            ].join("\n"),
          ],
          capabilities: ["NET_ADMIN"],
          sysctls: { "net.ipv4.ip_forward": "1" },
          limits: { memoryBytes: 268435456, nanoCpus: 500000000, pids: 256 },
          ready: { command: "pidof dnsmasq", timeoutSeconds: 30 },
          after: [],
          user: "student",
          labels: expect.any(Object),
          hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
        {
          name: "web",
          containerName: "sl_alice_web",
          hostname: "web",
          image: "socketlab/client:latest",
          endpoints: [{ network: "dmz", dockerNetwork: "sl_alice_dmz", address: "10.200.1.80" }],
          env: ["A_FIRST=x=y", "PORT=80"],
          extraHosts: ["router:10.200.1.254"],
          dns: ["127.0.0.1"],
          files: [{ path: "/srv/index.html", contentBase64: "aGk=", mode: 0o644 }],
          start: [],
          command: [
            "/bin/sh",
            "-c",
            "if mkfifo /run/socketlab-gate/wake 2>/dev/null; then exec 9<>/run/socketlab-gate/wake; else exec 9</dev/null; fi\nuntil [ -e /run/socketlab-gate/open ]; do read -r _ <&9 || sleep 0.1; done\nexec 9<&-\nrm -f /run/socketlab-ready.log\nset -e\ntouch /run/socketlab-gate/started\n{ [ ! -p /run/socketlab-gate/ready ] || echo 1<>/run/socketlab-gate/ready; }\nexec sleep infinity",
          ],
          capabilities: [],
          sysctls: {},
          limits: { memoryBytes: 268435456, nanoCpus: 500000000, pids: 256 },
          ready: null,
          after: ["router"],
          user: "student",
          labels: expect.any(Object),
          hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
      startWaves: [["router"], ["web"]],
      checks: [],
    });
  });

  it("keeps the topology's checks, as copies, in the plan", () => {
    const check: CheckDef = {
      id: "web-up",
      task: "web answers on port 80",
      vantage: "node",
      node: "router",
      command: "nc -z web 80",
      timeoutSeconds: 10,
    };
    const withChecks = { ...small, checks: [check] };
    const lab = plan(withChecks);
    expect(lab.checks).toEqual([check]);
    expect(lab.checks?.[0]).not.toBe(check);
  });

  it("labels networks and nodes with the lab, owner, topology, name and hash", () => {
    const lab = plan(small);
    const [lan] = lab.networks;
    expect(lan?.labels).toEqual({
      "io.socketlab.managed": "1",
      "io.socketlab.lab": "alice",
      "io.socketlab.owner": "Alice Martin",
      "io.socketlab.topology": "demo",
      "io.socketlab.network": "lan",
      "io.socketlab.hash": lan?.hash,
    });
    const web = nodeOf(lab, "web");
    expect(web.labels).toEqual({
      "io.socketlab.managed": "1",
      "io.socketlab.lab": "alice",
      "io.socketlab.owner": "Alice Martin",
      "io.socketlab.topology": "demo",
      "io.socketlab.node": "web",
      "io.socketlab.hash": web.hash,
    });
  });

  it("keeps host parts in the instance subnets", () => {
    const topo = topology(
      [network("lan", "192.168.1.0/24"), network("core", "10.9.0.0/16")],
      [node("dns", { lan: 53, core: 258 })],
    );
    const lab = plan(topo, { pool: ["10.200.0.0/15"], taken: ["10.200.0.0/24"] });
    expect(lab.networks.map((n) => n.subnet)).toEqual(["10.200.1.0/24", "10.201.0.0/16"]);
    expect(nodeOf(lab, "dns").endpoints.map((e) => e.address)).toEqual([
      "10.200.1.53",
      "10.201.1.2",
    ]);
  });

  it("gives a second instance, with the first's subnets taken, disjoint subnets", () => {
    const first = plan(small, { lab: "alice" });
    const taken = first.networks.map((n) => n.subnet);
    const second = plan(small, { lab: "bob", taken });
    expect(second.networks.map((n) => n.subnet)).toEqual(["10.200.2.0/24", "10.200.3.0/24"]);
    expect(nodeOf(second, "web").endpoints[0]?.address).toBe("10.200.3.80");
    expect(nodeOf(second, "web").containerName).toBe("sl_bob_web");
  });

  it("keeps existing subnets, so planning again converges", () => {
    const first = plan(small);
    const existing = Object.fromEntries(first.networks.map((n) => [n.name, n.subnet]));
    // The runtime may list the lab's own subnets as taken too.
    const taken = Object.values(existing);
    expect(plan(small, { existing, taken })).toEqual(first);
  });

  it("fails with the network and size when the pool is exhausted", () => {
    expect(planLab(small, request({ pool: ["10.200.0.0/24"] }))).toEqual({
      ok: false,
      error: "subnet pool exhausted: no free /24 for network 'dmz' in 10.200.0.0/24",
    });
  });

  it("fails on an invalid lab id or owner", () => {
    expect(planLab(small, request({ lab: "Alice" }))).toEqual({
      ok: false,
      error: expect.stringMatching(/^lab id "Alice" must be/),
    });
    expect(planLab(small, request({ owner: "a\nb" }))).toEqual({
      ok: false,
      error: 'owner "a\\nb" has unprintable characters',
    });
  });

  it("throws on a node attached to a network the topology lacks", () => {
    const topo = topology([network("lan", "192.168.1.0/24")], [node("a", { wan: 5 })]);
    expect(() => planLab(topo, request())).toThrow("no network 'wan' in the topology");
  });

  it("does not alias the topology", () => {
    const topo = structuredClone(small);
    const lab = plan(topo);
    const [file] = nodeOf(lab, "web").files;
    if (file !== undefined) file.mode = 0o600;
    nodeOf(lab, "router").sysctls.x = "1";
    nodeOf(lab, "router").capabilities.push("SYS_ADMIN");
    nodeOf(lab, "web").after.push("x");
    expect(topo).toEqual(small);
  });
});

describe("extraHosts", () => {
  // lan and dmz overlap on "both"; mgmt shares nothing with the others but "ops".
  const topo = topology(
    [
      network("lan", "192.168.1.0/24"),
      network("dmz", "172.16.0.0/24"),
      network("mgmt", "10.99.0.0/24"),
    ],
    [
      node("both", { lan: 20, dmz: 20 }),
      node("router", { dmz: 254, lan: 254 }),
      node("client", { lan: 10 }),
      node("web", { dmz: 80 }),
      node("ops", { mgmt: 5 }),
    ],
  );
  const lab = plan(topo);
  const hosts = (name: string) => nodeOf(lab, name).extraHosts;

  it("uses the first shared network in this node's attachment order", () => {
    // lan is 10.200.0.0/24, dmz 10.200.1.0/24, mgmt 10.200.2.0/24.
    expect(hosts("both")).toEqual([
      "router:10.200.0.254",
      "client:10.200.0.10",
      "web:10.200.1.80",
      "ops:10.200.2.5",
    ]);
    expect(hosts("router")).toEqual([
      "both:10.200.1.20",
      "client:10.200.0.10",
      "web:10.200.1.80",
      "ops:10.200.2.5",
    ]);
  });

  it("falls back to the other node's primary address when they share no network", () => {
    expect(hosts("client")).toEqual([
      "both:10.200.0.20",
      "router:10.200.0.254",
      "web:10.200.1.80",
      "ops:10.200.2.5",
    ]);
    expect(hosts("web")).toEqual([
      "both:10.200.1.20",
      "router:10.200.1.254",
      "client:10.200.0.10",
      "ops:10.200.2.5",
    ]);
    expect(hosts("ops")).toEqual([
      "both:10.200.0.20",
      "router:10.200.1.254",
      "client:10.200.0.10",
      "web:10.200.1.80",
    ]);
  });

  it("is empty for a lone node", () => {
    const lone = topology([network("lan", "192.168.1.0/24")], [node("a", { lan: 2 })]);
    expect(nodeOf(plan(lone), "a").extraHosts).toEqual([]);
  });
});

describe("hashes", () => {
  const base = topology(
    [network("lan", "192.168.1.0/24"), network("dmz", "172.16.0.0/24")],
    [
      node(
        "a",
        { lan: 10, dmz: 10 },
        {
          env: { X: "1", Y: "2" },
          sysctls: { "net.ipv4.ip_forward": "1", "net.ipv6.conf.all.disable_ipv6": "1" },
        },
      ),
      node("b", { lan: 11 }),
    ],
  );
  const hashOf = (topo: Topology, rest: Parameters<typeof request>[0] = {}) =>
    nodeOf(plan(topo, rest), "a").hash;
  const withA = (change: Partial<NodeDef>): Topology => ({
    ...base,
    nodes: base.nodes.map((n) => (n.name === "a" ? { ...n, ...change } : n)),
  });

  it("are the same across runs (pinned values)", () => {
    const lab = plan(base);
    expect(lab.networks.map((n) => n.hash)).toEqual(["5376702becf58477", "404666b955a14f4c"]);
    expect(lab.nodes.map((n) => n.hash)).toEqual(["64dc7b799270398b", "15e0141f496d1b32"]);
  });

  it("ignore the order in which maps were written", () => {
    const reordered = withA({
      env: { Y: "2", X: "1" },
      sysctls: { "net.ipv6.conf.all.disable_ipv6": "1", "net.ipv4.ip_forward": "1" },
    });
    expect(hashOf(reordered)).toBe(hashOf(base));
  });

  it("do not change with the topology's checks: adding a check recreates no node", () => {
    const check: CheckDef = {
      id: "c",
      task: "t",
      vantage: "node",
      node: "a",
      command: "true",
      timeoutSeconds: 10,
    };
    const lab = plan(base);
    const checked = plan({ ...base, checks: [check] });
    expect(checked.nodes.map((n) => n.hash)).toEqual(lab.nodes.map((n) => n.hash));
    expect(checked.networks.map((n) => n.hash)).toEqual(lab.networks.map((n) => n.hash));
  });

  it("do not change with the owner, nor with the start order", () => {
    const lab = plan(base);
    const other = plan(withA({ after: ["b"] }), { owner: "Bob" });
    expect(other.nodes.map((n) => n.hash)).toEqual(lab.nodes.map((n) => n.hash));
    expect(other.networks.map((n) => n.hash)).toEqual(lab.networks.map((n) => n.hash));
    expect(other.nodes[0]?.labels["io.socketlab.owner"]).toBe("Bob");
  });

  it.each<[string, Partial<NodeDef>]>([
    ["image", { image: "socketlab/client:2" }],
    [
      "address",
      {
        attachments: [
          { network: "lan", hostIndex: 12 },
          { network: "dmz", hostIndex: 10 },
        ],
      },
    ],
    [
      "attachment order",
      {
        attachments: [
          { network: "dmz", hostIndex: 10 },
          { network: "lan", hostIndex: 10 },
        ],
      },
    ],
    ["env value", { env: { X: "1", Y: "3" } }],
    ["env key", { env: { X: "1", Z: "2" } }],
    ["files", { files: [{ path: "/etc/motd", contentBase64: "aGk=", mode: 0o644 }] }],
    ["start", { start: ["true"] }],
    ["capabilities", { capabilities: ["NET_ADMIN"] }],
    ["sysctls", { sysctls: { "net.ipv4.ip_forward": "0", "net.ipv6.conf.all.disable_ipv6": "1" } }],
    ["limits", { limits: { memoryBytes: 1 << 20, nanoCpus: 500_000_000, pids: 256 } }],
    ["ready", { ready: { command: "true", timeoutSeconds: 5 } }],
  ])("of a node change with its %s", (_, change) => {
    expect(hashOf(withA(change))).not.toBe(hashOf(base));
  });

  it("of a node change with its extra hosts and its subnets", () => {
    const moved = { ...base, nodes: [base.nodes[0] as NodeDef, node("b", { lan: 99 })] };
    expect(hashOf(moved)).not.toBe(hashOf(base));
    expect(hashOf(base, { taken: ["10.200.0.0/24"] })).not.toBe(hashOf(base));
  });

  it("of a node change with its name, which is its hostname", () => {
    const renamed = {
      ...base,
      nodes: [{ ...(base.nodes[0] as NodeDef), name: "c" }, base.nodes[1] as NodeDef],
    };
    expect(nodeOf(plan(renamed), "c").hash).not.toBe(hashOf(base));
  });

  it("of a network change with its subnet and sniffing, not with other networks", () => {
    const lanHash = (topo: Topology, rest: Parameters<typeof request>[0] = {}) =>
      plan(topo, rest).networks[0]?.hash;
    const sniffable = {
      ...base,
      networks: [network("lan", "192.168.1.0/24", true), network("dmz", "172.16.0.0/24", true)],
    };
    expect(lanHash(sniffable)).not.toBe(lanHash(base));
    expect(lanHash(base, { existing: { lan: "10.200.9.0/24" } })).not.toBe(lanHash(base));
    expect(lanHash(base, { existing: { dmz: "10.200.9.0/24" } })).toBe(lanHash(base));
  });
});
