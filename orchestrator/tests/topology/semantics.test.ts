// Relations the schema cannot see, each reported at the offending value.
import { describe, expect, it } from "vitest";
import { ROLE_CATALOG, ROLES } from "../../src/roles/index.ts";
import {
  allowedCapabilities,
  LAB_CAPABILITIES,
  LINUX_CAPABILITIES,
} from "../../src/topology/linux.ts";
import { formatDiagnostic, topologyLoader } from "../../src/topology/load.ts";
import { load, problems, sourcesFrom, withFiles, yaml } from "./helpers.ts";

const KNOWN_ROLES = ROLES.map((role) => role.name).join(", ");

describe("networks", () => {
  it("refuses subnets that do not parse, have host bits, or are too large or small", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          a: { subnet: 10.0.0/24 }
          b: { subnet: 10.1.0.5/24 }
          c: { subnet: 10.0.0.0/8 }
          d: { subnet: 10.2.0.0/30 }
          e: { subnet: 10.3.0.0/16 }
          f: { subnet: 10.4.0.0/29 }
        nodes:
          n: { networks: { e: .2, f: .2 } }
      `),
    ).toEqual([
      "lab.yaml:3:16: networks.a.subnet: '10.0.0/24' is not an IPv4 subnet like 10.0.0.0/24",
      "lab.yaml:4:16: networks.b.subnet: '10.1.0.5/24' has host bits set; did you mean 10.1.0.0/24?",
      "lab.yaml:5:16: networks.c.subnet: subnet 10.0.0.0/8 is too large: use a prefix from /16 to /29",
      "lab.yaml:6:16: networks.d.subnet: subnet 10.2.0.0/30 is too small: use a prefix from /16 to /29",
    ]);
  });

  it("refuses a subnet overlapping an earlier one, naming it", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          big: { subnet: 10.0.0.0/16 }
          inside: { subnet: 10.0.5.0/24 }
          apart: { subnet: 10.1.0.0/24 }
          around: { subnet: 10.1.0.0/16 }
        nodes:
          n: { networks: { big: .2 } }
      `),
    ).toEqual([
      "lab.yaml:4:21: networks.inside.subnet: subnet 10.0.5.0/24 overlaps network 'big' (10.0.0.0/16)",
      "lab.yaml:6:21: networks.around.subnet: subnet 10.1.0.0/16 overlaps network 'apart' (10.1.0.0/24)",
    ]);
  });
});

describe("attachments", () => {
  it("refuses a network that is not declared, at its name", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          n:
            networks:
              lan: .2
              wan: .2
      `),
    ).toEqual(["lab.yaml:8:7: nodes.n.networks.wan: network 'wan' is not declared under networks"]);
  });

  it("requires at least one network", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          n:
            networks: {}
      `),
    ).toEqual(["lab.yaml:6:5: nodes.n.networks: a node needs at least one network"]);
  });

  it("refuses addresses outside the subnet, reserved ones and nonsense", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.10.0.0/24 }
        nodes:
          a: { networks: { lan: 10.9.0.5 } }
          b: { networks: { lan: .0 } }
          c: { networks: { lan: 10.10.0.255 } }
          d: { networks: { lan: .1 } }
          e: { networks: { lan: .256 } }
          f: { networks: { lan: 5 } }
          g: { networks: { lan: .5 } }
          h: { networks: { lan: 10.10.0.5 } }
          i: { networks: { lan: dhcp } }
      `),
    ).toEqual([
      "lab.yaml:5:25: nodes.a.networks.lan: address 10.9.0.5 is outside subnet 10.10.0.0/24",
      "lab.yaml:6:25: nodes.b.networks.lan: address 10.10.0.0 is the network address of 10.10.0.0/24",
      "lab.yaml:7:25: nodes.c.networks.lan: address 10.10.0.255 is the broadcast address of 10.10.0.0/24",
      "lab.yaml:8:25: nodes.d.networks.lan: address 10.10.0.1 is Docker's gateway on 10.10.0.0/24; use .2 or above",
      "lab.yaml:9:25: nodes.e.networks.lan: '.256' is not an address: write a host part like .53, a full address or auto",
      "lab.yaml:10:25: nodes.f.networks.lan: '5' is not an address: write a host part like .53, a full address or auto",
      "lab.yaml:12:25: nodes.h.networks.lan: address 10.10.0.5 is already taken by node 'g'",
      "lab.yaml:13:25: nodes.i.networks.lan: 'dhcp' is not an address: write a host part like .53, a full address or auto",
    ]);
  });

  it("keeps an unquoted .50 as written, not as the number 0.5", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .50 } }
        b: { networks: { lan: ".60" } }
    `);
    expect(result.ok && result.topology.nodes.map((n) => n.attachments[0]?.hostIndex)).toEqual([
      50, 60,
    ]);
  });

  it("skips address checks on a network whose subnet is itself wrong", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.1/24 }
        nodes:
          a: { networks: { lan: 10.9.9.9 } }
      `),
    ).toEqual([
      "lab.yaml:3:18: networks.lan.subnet: '10.0.0.1/24' has host bits set; did you mean 10.0.0.0/24?",
    ]);
  });
});

describe("roles and images", () => {
  it("refuses unknown roles, in defaults and in nodes", async () => {
    expect(
      await problems(yaml`
        name: lab
        defaults:
          role: mainframe
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 } }
          b: { networks: { lan: .3 }, role: toaster }
          c: { networks: { lan: .4 }, role: client }
      `),
    ).toEqual([
      `lab.yaml:3:9: defaults.role: unknown role 'mainframe' (known roles: ${KNOWN_ROLES})`,
      `lab.yaml:8:37: nodes.b.role: unknown role 'toaster' (known roles: ${KNOWN_ROLES})`,
    ]);
  });

  it("refuses a config for a role that takes none, pointing at the key", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a:
            networks: { lan: .2 }
            config: { anything: 1 }
      `),
    ).toEqual(["lab.yaml:7:5: nodes.a.config: role 'client' takes no config"]);
  });

  it("uses the role's image unless the node names one", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 } }
        b: { networks: { lan: .3 }, image: "alpine:3.20" }
    `);
    expect(result.ok && result.topology.nodes.map((n) => [n.role, n.image])).toEqual([
      ["client", "socketlab/client:latest"],
      ["client", "alpine:3.20"],
    ]);
  });
});

describe("after", () => {
  it("refuses unknown nodes and a node waiting for itself", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 }, after: [ghost, a] }
      `),
    ).toEqual([
      "lab.yaml:5:39: nodes.a.after[0]: unknown node 'ghost'",
      "lab.yaml:5:46: nodes.a.after[1]: a node cannot wait for itself",
    ]);
  });

  it("reports each cycle once with the nodes in it, and not the nodes waiting on it", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          waiter: { networks: { lan: .2 }, after: [b] }
          a: { networks: { lan: .3 }, after: [b] }
          b: { networks: { lan: .4 }, after: [free, c] }
          c: { networks: { lan: .5 }, after: [a] }
          free: { networks: { lan: .6 } }
          x: { networks: { lan: .7 }, after: [y] }
          y: { networks: { lan: .8 }, after: [x] }
      `),
    ).toEqual([
      "lab.yaml:7:45: nodes.b.after[1]: nodes wait for each other in a cycle: b -> c -> a -> b",
      "lab.yaml:10:39: nodes.x.after[0]: nodes wait for each other in a cycle: x -> y -> x",
    ]);
  });

  it("keeps each node once, in the order written", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 } }
        b: { networks: { lan: .3 } }
        c: { networks: { lan: .4 }, after: [b, a, b] }
    `);
    expect(result.ok && result.topology.nodes[2]?.after).toEqual(["b", "a"]);
  });
});

describe("capabilities and sysctls", () => {
  it("refuses unknown capabilities and normalises the known ones, once each", async () => {
    const text = yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a:
          networks: { lan: .2 }
          capabilities: [cap_net_admin, NET_ADMIN, CAP_NET_RAW, NET_ADMN, ALL]
    `;
    expect(await problems(text)).toEqual([
      "lab.yaml:7:59: nodes.a.capabilities[3]: unknown capability 'NET_ADMN'",
      "lab.yaml:7:69: nodes.a.capabilities[4]: unknown capability 'ALL'",
    ]);
    const fixed = text.replace(", NET_ADMN, ALL", "");
    const result = await load(fixed);
    expect(result.ok && result.topology.nodes[0]?.capabilities).toEqual(["NET_ADMIN", "NET_RAW"]);
  });

  it("refuses every capability beyond the lab's own, each where it is written", async () => {
    const beyond = [...LINUX_CAPABILITIES].filter((c) => !LAB_CAPABILITIES.includes(c));
    expect(beyond).toHaveLength(38);
    const text = yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a:
          networks: { lan: .2 }
          capabilities: [NET_BIND_SERVICE, CAPS]
    `.replace("CAPS", beyond.join(", "));
    const found = await problems(text);
    expect(found).toHaveLength(beyond.length);
    beyond.forEach((capability, index) => {
      expect(found[index]).toMatch(
        new RegExp(
          `^lab\\.yaml:7:\\d+: nodes\\.a\\.capabilities\\[${index + 1}\\]: capability '${capability}' is not allowed in a lab node \\(allowed: NET_ADMIN, NET_RAW, NET_BIND_SERVICE\\); only the operator may allow more \\(SOCKETLAB_EXTRA_CAPABILITIES\\)$`,
        ),
      );
    });
  });

  it("takes a capability the operator allows, and only that one", async () => {
    const loader = topologyLoader(ROLE_CATALOG, allowedCapabilities(["cap_sys_ptrace"]));
    const text = yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a:
          networks: { lan: .2 }
          capabilities: [SYS_PTRACE, SYS_ADMIN]
    `;
    const result = await loader.text(text, "lab.yaml", sourcesFrom({}));
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      "lab.yaml:7:32: nodes.a.capabilities[1]: capability 'SYS_ADMIN' is not allowed in a lab node (allowed: NET_ADMIN, NET_RAW, NET_BIND_SERVICE, SYS_PTRACE); only the operator may allow more (SOCKETLAB_EXTRA_CAPABILITIES)",
    ]);
    const fixed = await loader.text(text.replace(", SYS_ADMIN", ""), "lab.yaml", sourcesFrom({}));
    expect(fixed.ok && fixed.topology.nodes[0]?.capabilities).toEqual(["SYS_PTRACE"]);
  });

  it("refuses sysctls that are not namespaced, at their key, and stringifies values", async () => {
    const text = yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a:
          networks: { lan: .2 }
          sysctls:
            net.ipv4.ip_forward: 1
            net.ipv6.conf.all.disable_ipv6: true
            kernel.shmmax: 1073741824
            kernel.msgmax: 65536
            kernel.sem: 250 32000 100 128
            fs.mqueue.msg_max: 64
            vm.swappiness: 10
            kernel.hostname: box
    `;
    expect(await problems(text)).toEqual([
      "lab.yaml:14:7: nodes.a.sysctls.vm.swappiness: sysctl 'vm.swappiness' is not allowed: Docker only sets namespaced ones (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)",
      "lab.yaml:15:7: nodes.a.sysctls.kernel.hostname: sysctl 'kernel.hostname' is not allowed: Docker only sets namespaced ones (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)",
    ]);
    const result = await load(text.replace(/\n +vm\.swappiness.*\n.*/, ""));
    expect(result.ok && result.topology.nodes[0]?.sysctls).toEqual({
      "net.ipv4.ip_forward": "1",
      "net.ipv6.conf.all.disable_ipv6": "true",
      "kernel.shmmax": "1073741824",
      "kernel.msgmax": "65536",
      "kernel.sem": "250 32000 100 128",
      "fs.mqueue.msg_max": "64",
    });
  });
});

describe("limits and ready", () => {
  it("refuses memory below 6m and cpus below 0.01, in defaults and nodes", async () => {
    expect(
      await problems(yaml`
        name: lab
        defaults:
          limits: { memory: 5m, cpus: 0.001 }
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 }, limits: { memory: 4194304 } }
          b: { networks: { lan: .3 }, limits: { memory: 6m } }
      `),
    ).toEqual([
      "lab.yaml:3:21: defaults.limits.memory: memory 5m is below the 6m Docker requires",
      "lab.yaml:3:31: defaults.limits.cpus: cpus must be at least 0.01",
      "lab.yaml:7:49: nodes.a.limits.memory: memory 4194304 is below the 6m Docker requires",
    ]);
  });

  it("defaults the ready timeout", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 }, ready: { command: "test -e /ready" } }
    `);
    expect(result.ok && result.topology.nodes[0]?.ready).toEqual({
      command: "test -e /ready",
      timeoutSeconds: 30,
    });
  });
});

describe("files", () => {
  it("refuses paths that are not plain, and the same path twice", async () => {
    expect(
      await problems(
        withFiles([
          "{ path: /etc/../shadow, content: x }",
          "{ path: /etc/./motd, content: x }",
          "{ path: //etc/motd, content: x }",
          "{ path: /srv/, content: x }",
          "{ path: /, content: x }",
          "{ path: /etc/motd, content: x }",
          "{ path: /etc/motd, content: y }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:8:17: nodes.a.files[0].path: '/etc/../shadow' is not a plain file path (no '.', '..', '//' or trailing '/')",
      "lab.yaml:9:17: nodes.a.files[1].path: '/etc/./motd' is not a plain file path (no '.', '..', '//' or trailing '/')",
      "lab.yaml:10:17: nodes.a.files[2].path: '//etc/motd' is not a plain file path (no '.', '..', '//' or trailing '/')",
      "lab.yaml:11:17: nodes.a.files[3].path: '/srv/' is not a plain file path (no '.', '..', '//' or trailing '/')",
      "lab.yaml:12:17: nodes.a.files[4].path: '/' is not a plain file path (no '.', '..', '//' or trailing '/')",
      "lab.yaml:14:17: nodes.a.files[6].path: '/etc/motd' is already given to this node",
    ]);
  });

  it("reads modes as octal, as text or as YAML numbers, and refuses the others", async () => {
    const modes = [
      "{ path: /a, content: x }",
      '{ path: /b, content: x, mode: "0755" }',
      '{ path: /c, content: x, mode: "600" }',
      "{ path: /d, content: x, mode: 0700 }",
      "{ path: /e, content: x, mode: 4755 }",
    ];
    const result = await load(withFiles(modes));
    expect(result.ok && result.topology.nodes[0]?.files.map((f) => f.mode)).toEqual([
      0o644, 0o755, 0o600, 0o700, 0o4755,
    ]);
    const wrong = ["{ path: /f, content: x, mode: 0999 }", "{ path: /g, content: x, mode: 17777 }"];
    expect(await problems(withFiles([...modes, ...wrong]))).toEqual([
      `lab.yaml:13:39: nodes.a.files[5].mode: 999 is not an octal mode up to 7777; write it as text, like "0644"`,
      `lab.yaml:14:39: nodes.a.files[6].mode: 17777 is not an octal mode up to 7777; write it as text, like "0644"`,
    ]);
  });

  it("reads sources through the reader and reports what it refuses", async () => {
    const motd = '{ path: /etc/motd, source: motd.txt, mode: "0600" }';
    const missing = "{ path: /etc/app.conf, source: missing.conf }";
    const sources = { "motd.txt": "hello\n" };
    expect(await problems(withFiles([motd, missing]), sources)).toEqual([
      "lab.yaml:9:40: nodes.a.files[1].source: source 'missing.conf' does not exist",
    ]);
    const result = await load(withFiles([motd]), sources);
    expect(result.ok && result.topology.nodes[0]?.files).toEqual([
      { path: "/etc/motd", contentBase64: Buffer.from("hello\n").toString("base64"), mode: 0o600 },
    ]);
  });
});

describe("everything at once", () => {
  it("reports shape and semantic problems together, in reading order", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.10.0.0/24, sniffabel: true }
          wan: { subnet: 10.10.0.0/25 }
        nodes:
          client:
            role: toaster
            networks:
              lan: 10.9.0.5
              dmz: auto
            limits: { pids: 5 }
            after: [server]
          server:
            networks: { lan: .1 }
            capabilities: [FLY]
            after: [client]
      `),
    ).toEqual([
      "lab.yaml:3:32: networks.lan.sniffabel: unknown field 'sniffabel'",
      "lab.yaml:4:18: networks.wan.subnet: subnet 10.10.0.0/25 overlaps network 'lan' (10.10.0.0/24)",
      `lab.yaml:7:11: nodes.client.role: unknown role 'toaster' (known roles: ${KNOWN_ROLES})`,
      "lab.yaml:9:12: nodes.client.networks.lan: address 10.9.0.5 is outside subnet 10.10.0.0/24",
      "lab.yaml:10:7: nodes.client.networks.dmz: network 'dmz' is not declared under networks",
      "lab.yaml:11:21: nodes.client.limits.pids: must be at least 16",
      "lab.yaml:12:13: nodes.client.after[0]: nodes wait for each other in a cycle: client -> server -> client",
      "lab.yaml:14:22: nodes.server.networks.lan: address 10.10.0.1 is Docker's gateway on 10.10.0.0/24; use .2 or above",
      "lab.yaml:15:20: nodes.server.capabilities[0]: unknown capability 'FLY'",
    ]);
  });
});
