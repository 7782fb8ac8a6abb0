import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/topology/load.ts";
import type { Topology } from "../../src/topology/model.ts";
import { load, problems, yaml } from "./helpers.ts";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("loadTopologyText on a valid topology", () => {
  it("resolves every field, default and address", async () => {
    const text = yaml`
      name: web-lab
      description: A client, a server and a sniffer
      defaults:
        role: client
        limits:
          memory: 128m
          cpus: 0.25
      networks:
        lan:
          subnet: 10.10.0.0/24
          sniffable: true
        dmz:
          subnet: 172.20.0.0/16
      nodes:
        server:
          image: nginx:1.27
          networks:
            dmz: .1.5
            lan: 10.10.0.80
          env:
            PORT: 8080
            DEBUG: false
            NAME: web
          files:
            - path: /etc/nginx/conf.d/site.conf
              source: site.conf
            - path: /srv/index.html
              content: "<h1>hi</h1>\n"
              mode: "0600"
            - path: /usr/local/bin/start
              content: nginx
              mode: 0755
          start:
            - nginx -g 'daemon off;'
          capabilities: [CAP_NET_ADMIN, net_raw, NET_ADMIN]
          sysctls:
            net.ipv4.ip_forward: 1
            kernel.shmmax: 68719476736
          limits:
            memory: 1g
            pids: 512
          ready:
            command: curl -fs http://localhost:8080/
            timeout: 60
        client:
          role: client
          networks:
            lan:
          after: [server]
          routes:
            - { to: dmz, via: sniffer }
            - { to: 192.168.0.0/16, via: server }
        sniffer:
          networks:
            lan: auto
            dmz: ""
          ready:
            command: "true"
          after: [server, client, server]
    `;
    const expected: Topology = {
      name: "web-lab",
      description: "A client, a server and a sniffer",
      networks: [
        { name: "lan", subnet: { base: 0x0a0a0000, prefix: 24 }, sniffable: true },
        { name: "dmz", subnet: { base: 0xac140000, prefix: 16 }, sniffable: false },
      ],
      nodes: [
        {
          name: "server",
          role: "client",
          image: "nginx:1.27",
          attachments: [
            { network: "dmz", hostIndex: 261 },
            { network: "lan", hostIndex: 80 },
          ],
          env: { PORT: "8080", DEBUG: "false", NAME: "web" },
          files: [
            { path: "/etc/nginx/conf.d/site.conf", contentBase64: b64("server {}\n"), mode: 0o644 },
            { path: "/srv/index.html", contentBase64: b64("<h1>hi</h1>\n"), mode: 0o600 },
            { path: "/usr/local/bin/start", contentBase64: b64("nginx"), mode: 0o755 },
          ],
          start: ["nginx -g 'daemon off;'"],
          capabilities: ["NET_ADMIN", "NET_RAW"],
          sysctls: { "net.ipv4.ip_forward": "1", "kernel.shmmax": "68719476736" },
          limits: { memoryBytes: 1024 ** 3, nanoCpus: 250_000_000, pids: 512 },
          ready: { command: "curl -fs http://localhost:8080/", timeoutSeconds: 60 },
          after: [],
          routes: [],
          resolver: null,
          user: "student",
          config: null,
        },
        {
          name: "client",
          role: "client",
          image: "socketlab/client:latest",
          attachments: [{ network: "lan", hostIndex: 2 }],
          env: {},
          files: [],
          start: [],
          capabilities: [],
          sysctls: {},
          limits: { memoryBytes: 128 * 1024 ** 2, nanoCpus: 250_000_000, pids: 256 },
          ready: null,
          after: ["server"],
          routes: [
            { to: { network: "dmz" }, via: "sniffer" },
            { to: { subnet: { base: 0xc0a80000, prefix: 16 } }, via: "server" },
          ],
          resolver: null,
          user: "student",
          config: null,
        },
        {
          name: "sniffer",
          role: "client",
          image: "socketlab/client:latest",
          attachments: [
            { network: "lan", hostIndex: 3 },
            { network: "dmz", hostIndex: 2 },
          ],
          env: {},
          files: [],
          start: [],
          capabilities: [],
          sysctls: {},
          limits: { memoryBytes: 128 * 1024 ** 2, nanoCpus: 250_000_000, pids: 256 },
          ready: { command: "true", timeoutSeconds: 30 },
          after: ["server", "client"],
          routes: [],
          resolver: null,
          user: "student",
          config: null,
        },
      ],
      values: [],
      checks: [],
    };
    expect(await load(text, { "site.conf": "server {}\n" })).toEqual({
      ok: true,
      topology: expected,
    });
  });

  it("applies the built-in defaults to a minimal topology", async () => {
    const result = await load(yaml`
      name: tiny
      networks:
        lan: { subnet: 10.0.0.0/29 }
      nodes:
        a: { networks: { lan: .6 } }
    `);
    expect(result).toEqual({
      ok: true,
      topology: {
        name: "tiny",
        description: "",
        networks: [{ name: "lan", subnet: { base: 0x0a000000, prefix: 29 }, sniffable: false }],
        nodes: [
          {
            name: "a",
            role: "client",
            image: "socketlab/client:latest",
            attachments: [{ network: "lan", hostIndex: 6 }],
            env: {},
            files: [],
            start: [],
            capabilities: [],
            sysctls: {},
            limits: { memoryBytes: 256 * 1024 ** 2, nanoCpus: 500_000_000, pids: 256 },
            ready: null,
            after: [],
            routes: [],
            resolver: null,
            user: "student",
            config: null,
          },
        ],
        values: [],
        checks: [],
      },
    });
  });

  it("layers limits field by field: node over defaults over built-in", async () => {
    const result = await load(yaml`
      name: lab
      defaults:
        limits: { memory: 64m }
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 }, limits: { cpus: 2 } }
        b: { networks: { lan: .3 }, limits: { memory: 7340032, pids: 100 } }
    `);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
    expect(result.topology.nodes.map((n) => n.limits)).toEqual([
      { memoryBytes: 64 * 1024 ** 2, nanoCpus: 2_000_000_000, pids: 256 },
      { memoryBytes: 7 * 1024 ** 2, nanoCpus: 500_000_000, pids: 100 },
    ]);
  });
});

describe("automatic addresses", () => {
  const attachmentsOf = async (text: string) => {
    const result = await load(text);
    if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
    return result.topology.nodes.map((n) => [n.name, n.attachments.map((a) => a.hostIndex)]);
  };

  it("gives each the lowest free index from 2, in node order, after explicit ones", async () => {
    expect(
      await attachmentsOf(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: auto } }
          b: { networks: { lan: .2 } }
          c: { networks: { lan: } }
          d: { networks: { lan: 10.0.0.4 } }
          e: { networks: { lan: "" } }
          f: { networks: { lan: null } }
      `),
    ).toEqual([
      ["a", [3]],
      ["b", [2]],
      ["c", [5]],
      ["d", [4]],
      ["e", [6]],
      ["f", [7]],
    ]);
  });

  it("counts separately on each network", async () => {
    expect(
      await attachmentsOf(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
          wan: { subnet: 10.0.1.0/24 }
        nodes:
          a: { networks: { lan: auto, wan: .2 } }
          b: { networks: { wan: auto, lan: auto } }
      `),
    ).toEqual([
      ["a", [2, 2]],
      ["b", [3, 3]],
    ]);
  });

  it("fills a /29 up to its last host and reports the node that does not fit", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/29 }
        nodes:
          a: { networks: { lan: auto } }
          b: { networks: { lan: auto } }
          c: { networks: { lan: .4 } }
          d: { networks: { lan: auto } }
          e: { networks: { lan: auto } }
          f: { networks: { lan: auto } }
      `),
    ).toEqual([
      "lab.yaml:10:25: nodes.f.networks.lan: no free address left in network 'lan' (10.0.0.0/29)",
    ]);
  });
});

describe("multi-octet host parts", () => {
  it("reads .1.5 in a /16 as host index 261 and rejects it in a /24", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          big: { subnet: 10.20.0.0/16 }
          small: { subnet: 10.30.0.0/24 }
        nodes:
          a: { networks: { big: .1.5 } }
          b: { networks: { big: 10.20.1.5 } }
          c: { networks: { small: .1.5 } }
          d: { networks: { big: .255.255 } }
          e: { networks: { big: .0.1 } }
      `),
    ).toEqual([
      "lab.yaml:7:25: nodes.b.networks.big: address 10.20.1.5 is already taken by node 'a'",
      "lab.yaml:8:27: nodes.c.networks.small: host part .1.5 does not fit in subnet 10.30.0.0/24",
      "lab.yaml:9:25: nodes.d.networks.big: address 10.20.255.255 is the broadcast address of 10.20.0.0/16",
      "lab.yaml:10:25: nodes.e.networks.big: address 10.20.0.1 is Docker's gateway on 10.20.0.0/16; use .2 or above",
    ]);
  });

  it("accepts the highest host of a /16", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        big: { subnet: 10.20.0.0/16 }
      nodes:
        a: { networks: { big: .255.254 } }
    `);
    expect(result.ok && result.topology.nodes[0]?.attachments).toEqual([
      { network: "big", hostIndex: 65534 },
    ]);
  });
});

describe("formatDiagnostic", () => {
  it("writes FILE:LINE:COL: FIELD: message", () => {
    expect(
      formatDiagnostic({
        file: "labs/x.yaml",
        line: 12,
        col: 9,
        field: "nodes.client.networks.lan",
        message: "address 10.9.0.5 is outside subnet 10.10.0.0/24",
      }),
    ).toBe(
      "labs/x.yaml:12:9: nodes.client.networks.lan: address 10.9.0.5 is outside subnet 10.10.0.0/24",
    );
  });

  it("leaves the field out for the file as a whole", () => {
    expect(formatDiagnostic({ file: "x.yaml", line: 1, col: 1, field: "", message: "empty" })).toBe(
      "x.yaml:1:1: empty",
    );
  });
});
