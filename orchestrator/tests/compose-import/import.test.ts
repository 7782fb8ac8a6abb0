// The mapping, exhaustively, through importCompose on folders held in memory: every supported
// field, every refusal with its place, and the report's notes.
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { memoryFolder } from "../../src/compose-import/folder.ts";
import { type ImportResult, importCompose } from "../../src/compose-import/import.ts";
import { formatDiagnostic } from "../../src/topology/diagnostics.ts";

const FILE = "Labsetup/docker-compose.yml";

function folder(files: Record<string, string>) {
  return memoryFolder(new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)])));
}

async function run(compose: string, files: Record<string, string> = {}): Promise<ImportResult> {
  return importCompose({ text: compose, file: FILE, folder: folder(files), name: "lab" });
}

/** The topology of a successful import, as plain data. */
async function topology(compose: string, files: Record<string, string> = {}) {
  const result = await run(compose, files);
  if (!result.ok) throw new Error(result.diagnostics.map(formatDiagnostic).join("\n"));
  // biome-ignore lint/suspicious/noExplicitAny: the test reads a document of its own making.
  return { doc: parse(result.files.get("topology.yaml")?.toString() ?? "") as any, result };
}

/** Every error of a failed import, as FILE:LINE:COL: FIELD: message lines. */
async function errors(compose: string, files: Record<string, string> = {}): Promise<string[]> {
  const result = await run(compose, files);
  if (result.ok) throw new Error("the import succeeded");
  return result.diagnostics.map(formatDiagnostic);
}

function notes(result: ImportResult, kind: string): string[] {
  return result.ok
    ? result.report.notes
        .filter((n) => n.kind === kind)
        .map((n) => `${n.line}:${n.col} ${n.message}`)
    : [];
}

/** A service `s` written as `body` at 10.9.0.5, beside a plain service `ns` at 10.9.0.53. */
const service = (body: string) => `
services:
  s:
${body.replace(/^/gm, "    ")}
    networks: { lan: { ipv4_address: 10.9.0.5 } }
  ns:
    networks: { lan: { ipv4_address: 10.9.0.53 } }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
`;

const LAN = `
networks:
  net-10.9.0.0:
    ipam:
      config:
        - subnet: 10.9.0.0/24
`;

describe("networks", () => {
  it("keeps the handout's subnets, under names a topology takes", async () => {
    const { doc } = await topology(`
services:
  a:
    image: handsonsecurity/seed-ubuntu:large
    networks:
      net-10.9.0.0: { ipv4_address: 10.9.0.5 }
${LAN}`);
    expect(doc.networks).toEqual({ "net-10-9-0-0": { subnet: "10.9.0.0/24" } });
    expect(doc.nodes.a.networks).toEqual({ "net-10-9-0-0": "10.9.0.5" });
  });

  it("makes every network sniffable when a service is on the host's network", async () => {
    const { doc } = await topology(`
services:
  attacker: { image: handsonsecurity/seed-ubuntu:large, network_mode: host }
networks:
  a: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
  b: { ipam: { config: [{ subnet: 10.8.0.0/24 }] } }
`);
    expect(doc.networks).toEqual({
      a: { subnet: "10.9.0.0/24", sniffable: true },
      b: { subnet: "10.8.0.0/24", sniffable: true },
    });
  });

  it("notes what it leaves of a network: its Docker name, its gateway, further subnets", async () => {
    const { result } = await topology(`
services:
  a: { networks: [lan] }
networks:
  lan:
    name: seed-lan
    ipam:
      config:
        - { subnet: 10.9.0.0/24, gateway: 10.9.0.1 }
        - { subnet: 10.7.0.0/24 }
`);
    expect(notes(result, "dropped")).toEqual([
      "6:11 Docker network name seed-lan: each copy of the lab names its own networks",
      "9:43 Docker's gateway is always the subnet's first address",
      "10:11 only a network's first subnet is kept",
    ]);
  });

  it("refuses a network without a subnet, an external one, another driver, overlaps and sizes Docker cannot take", async () => {
    expect(
      await errors(`
services:
  a: { networks: [x] }
networks:
  x: {}
  ext: { external: true }
  ov: { driver: overlay, ipam: { config: [{ subnet: 10.1.0.0/24 }] } }
  big: { ipam: { config: [{ subnet: 10.0.0.0/8 }] } }
  twin: { ipam: { config: [{ subnet: 10.1.0.128/25 }] } }
`),
    ).toEqual([
      `${FILE}:6:10: networks.ext.external: external: external networks are not supported: every lab network belongs to one lab copy`,
      `${FILE}:7:17: networks.ov.driver: only bridge networks are supported`,
    ]);
    const shapes = await errors(`
services:
  a: { networks: [x] }
networks:
  x: {}
  ov: { driver: overlay, ipam: { config: [{ subnet: 10.1.0.0/24 }] } }
`);
    expect(shapes).toEqual([
      `${FILE}:6:17: networks.ov.driver: only bridge networks are supported`,
    ]);
    expect(
      await errors(`
services:
  a: { networks: [x] }
networks:
  x: {}
  big: { ipam: { config: [{ subnet: 10.0.0.0/8 }] } }
  one: { ipam: { config: [{ subnet: 10.1.0.0/24 }] } }
  twin: { ipam: { config: [{ subnet: 10.1.0.128/25 }] } }
`),
    ).toEqual([
      `${FILE}:5:3: networks.x: has no ipam subnet: the import keeps the handout's subnets, so each network needs one`,
      `${FILE}:6:37: networks.big.ipam.config[0].subnet: subnet 10.0.0.0/8 is too large: use a prefix from /16 to /29`,
      `${FILE}:8:38: networks.twin.ipam.config[0].subnet: subnet 10.1.0.128/25 overlaps network 'one' (10.1.0.0/24)`,
    ]);
  });
});

describe("addresses", () => {
  it("refuses addresses outside their subnet, Docker's gateway, one address twice, unknown networks", async () => {
    expect(
      await errors(`
services:
  a: { networks: { lan: { ipv4_address: 10.8.0.5 } } }
  b: { networks: { lan: { ipv4_address: 10.9.0.1 } } }
  c: { networks: { lan: { ipv4_address: 10.9.0.7 } } }
  d: { networks: { lan: { ipv4_address: 10.9.0.7 } } }
  e: { networks: { wan: { ipv4_address: 10.9.0.8 } } }
  f: { networks: [wan] }
  g: { image: x }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
`),
    ).toEqual([
      `${FILE}:3:41: services.a.networks.lan.ipv4_address: address 10.8.0.5 is outside subnet 10.9.0.0/24`,
      `${FILE}:4:41: services.b.networks.lan.ipv4_address: address 10.9.0.1 is Docker's gateway on 10.9.0.0/24; use .2 or above`,
      `${FILE}:6:41: services.d.networks.lan.ipv4_address: address 10.9.0.7 is already taken by node 'c'`,
      `${FILE}:7:41: services.e.networks.wan.ipv4_address: unknown network 'wan' (networks: lan)`,
      `${FILE}:8:19: services.f.networks[0]: unknown network 'wan' (networks: lan)`,
      `${FILE}:9:3: services.g: is on compose's default network, which has no subnet: give it networks (with ipv4_address)`,
    ]);
  });

  it("gives the host-network attacker the first address no service holds, on every network", async () => {
    const { doc, result } = await topology(`
services:
  user: { networks: { lan: { ipv4_address: 10.9.0.2 } } }
  attacker: { network_mode: host }
  other: { networks: { wan: { ipv4_address: 10.8.0.3 } } }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
  wan: { ipam: { config: [{ subnet: 10.8.0.0/24 }] } }
`);
    expect(doc.nodes.attacker).toEqual({
      role: "attacker",
      networks: { lan: "10.9.0.3", wan: "10.8.0.2" },
    });
    expect(result.ok && result.report.nodes.find((n) => n.node === "attacker")?.addresses).toEqual([
      "lan 10.9.0.3",
      "wan 10.8.0.2",
    ]);
  });

  it("leaves an attachment without ipv4_address to the loader's choice, and drops aliases", async () => {
    const { doc, result } = await topology(`
services:
  a: { networks: { lan: { aliases: [www] } } }
  b: { networks: [lan] }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
`);
    expect(doc.nodes.a.networks).toEqual({ lan: "10.9.0.2" });
    expect(doc.nodes.b.networks).toEqual({ lan: "10.9.0.3" });
    expect(notes(result, "dropped")).toContain("3:27 aliases: nodes reach each other by node name");
  });
});

describe("what a service becomes", () => {
  const one = (service: string, files: Record<string, string> = {}) =>
    topology(
      `
services:
  s:
${service.replace(/^/gm, "    ")}
    networks: { lan: { ipv4_address: 10.9.0.5 } }
  t: { networks: { lan: { ipv4_address: 10.9.0.6 } }, sysctls: [net.ipv4.ip_forward=1] }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
`,
      files,
    );

  it("SEED's large image is socketlab/attacker's image (scapy, gcc), its base image the client", async () => {
    expect((await one("image: handsonsecurity/seed-ubuntu:large")).doc.nodes.s.image).toBe(
      "socketlab/attacker:latest",
    );
    expect(
      (await one("image: handsonsecurity/seed-ubuntu:base")).doc.nodes.s.image,
    ).toBeUndefined();
    expect((await one("image: seed-image-scapy")).doc.nodes.s.image).toBe(
      "socketlab/attacker:latest",
    );
  });

  it("any other image is the client, with a note to check", async () => {
    const { doc, result } = await one("image: ubuntu:22.04");
    expect(doc.nodes.s.image).toBeUndefined();
    expect(doc.nodes.s.role).toBeUndefined();
    expect(notes(result, "check")[0]).toContain(
      "image ubuntu:22.04 is not used (nothing is pulled)",
    );
  });

  it("a bind9 build is the dns image with the build's own files, started by named, ready on port 53", async () => {
    for (const dockerfile of [
      "FROM handsonsecurity/seed-server:bind\nCOPY named.conf /etc/bind/\n",
      "FROM debian\nRUN apt-get install -y bind9\nCOPY named.conf /etc/named.conf\n",
      "FROM debian\nCOPY named.conf /etc/bind/named.conf\n",
    ]) {
      const { doc } = await one("build: ./dns", {
        "dns/Dockerfile": dockerfile,
        "dns/named.conf": "options {};\n",
      });
      expect(doc.nodes.s).toMatchObject({
        image: "socketlab/dns:latest",
        start: ["named -4 -u bind"],
        ready: { command: "ss -ltn | grep -q ':53 '", timeout: 30 },
      });
      expect(doc.nodes.s.files).toHaveLength(1);
    }
  });

  it("a web or mail build gets its image and a note that its server set-up is the role's", async () => {
    const web = await one("build: ./web", {
      "web/Dockerfile": "FROM handsonsecurity/seed-server:apache-php\n",
    });
    expect(web.doc.nodes.s.image).toBe("socketlab/web:latest");
    expect(notes(web.result, "check")[0]).toContain("socketlab/web is nginx");
    const mail = await one("build: ./mail", {
      "mail/Dockerfile": "FROM debian\nRUN apt-get install -y postfix\n",
    });
    expect(mail.doc.nodes.s.image).toBe("socketlab/mail:latest");
    expect(notes(mail.result, "check")[0]).toContain("the mail role");
  });

  it("a service forwarding between two networks is a router; on one network it stays a host", async () => {
    const { doc } = await topology(`
services:
  r:
    image: handsonsecurity/seed-router
    sysctls: { net.ipv4.ip_forward: 1, net.ipv4.conf.all.rp_filter: 0 }
    networks: { a: { ipv4_address: 10.9.0.11 }, b: { ipv4_address: 10.8.0.11 } }
  f:
    image: handsonsecurity/seed-ubuntu:large
    sysctls: [net.ipv4.ip_forward=1]
    networks: { a: { ipv4_address: 10.9.0.12 }, b: { ipv4_address: 10.8.0.12 } }
networks:
  a: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
  b: { ipam: { config: [{ subnet: 10.8.0.0/24 }] } }
`);
    expect(doc.nodes.r).toEqual({
      role: "router",
      networks: { a: "10.9.0.11", b: "10.8.0.11" },
      sysctls: { "net.ipv4.conf.all.rp_filter": "0" },
    });
    expect(doc.nodes.f.role).toBe("router");
    const single = await one("image: x\nsysctls: [net.ipv4.ip_forward=1]");
    expect(single.doc.nodes.s.role).toBeUndefined();
    expect(single.doc.nodes.s.sysctls).toEqual({ "net.ipv4.ip_forward": "1" });
  });
});

describe("service fields", () => {
  it("privileged and cap_add: ALL become NET_ADMIN and NET_RAW, each with a note where it was written", async () => {
    const { doc, result } = await topology(
      service("privileged: true\ncap_add: [ALL, sys_time, CAP_NET_BIND_SERVICE]"),
    );
    expect(doc.nodes.s.capabilities).toEqual(["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"]);
    expect(notes(result, "changed").filter((n) => n.includes("NET_ADMIN and NET_RAW"))).toEqual([
      "4:17 only NET_ADMIN and NET_RAW (sniffing and forging in its own network namespace): a lab node never gets the host's powers",
      "5:15 only NET_ADMIN and NET_RAW (sniffing and forging in its own network namespace): a lab node never gets the host's powers",
    ]);
  });

  it("leaves out a capability beyond the lab's own, with a note where it was written", async () => {
    const { doc, result } = await topology(service("cap_add: [NET_RAW, SYS_ADMIN, cap_bpf]"));
    expect(doc.nodes.s.capabilities).toEqual(["NET_RAW"]);
    expect(notes(result, "changed").filter((n) => n.includes("left out"))).toEqual([
      "4:24 SYS_ADMIN left out: a lab node gets only NET_ADMIN, NET_RAW, NET_BIND_SERVICE unless the operator allows more",
      "4:35 BPF left out: a lab node gets only NET_ADMIN, NET_RAW, NET_BIND_SERVICE unless the operator allows more",
    ]);
  });

  it("refuses an unknown capability and a sysctl a container may not set", async () => {
    expect(
      await errors(
        service("cap_add: [NET_MAGIC]\nsysctls: [kernel.panic=1, net.ipv4.tcp_syncookies]"),
      ),
    ).toEqual([
      `${FILE}:4:15: services.s.cap_add[0]: unknown capability 'NET_MAGIC'`,
      `${FILE}:5:15: services.s.sysctls[0]: sysctl 'kernel.panic' is not one a container may set (net.*, kernel.shm*, ...)`,
      `${FILE}:5:31: services.s.sysctls[1]: sysctl 'net.ipv4.tcp_syncookies' has no value: write KEY=VALUE`,
    ]);
  });

  it("environment in both forms (the build's ENV under it), and depends_on as after", async () => {
    const files = { "b/Dockerfile": "FROM x\nENV A=from-build B=kept\n" };
    const list = await topology(
      service("build: ./b\nenvironment: [A=1, C=two words, HOSTVAR]\ndepends_on: [ns]"),
      files,
    );
    expect(list.doc.nodes.s.env).toEqual({ A: "1", B: "kept", C: "two words" });
    expect(list.doc.nodes.s.after).toEqual(["ns"]);
    expect(notes(list.result, "dropped")).toContain(
      "5:37 HOSTVAR takes its value from the host's environment, which a lab does not see",
    );
    const map = await topology(
      service("environment: { A: 1, B: ~ }\ndepends_on: { ns: { condition: service_started } }"),
    );
    expect(map.doc.nodes.s.env).toEqual({ A: "1" });
    expect(map.doc.nodes.s.after).toEqual(["ns"]);
    expect(await errors(service("environment: [1BAD=x]\ndepends_on: [ghost]"))).toEqual([
      `${FILE}:4:19: services.s.environment[0]: '1BAD' is not an environment variable name`,
      `${FILE}:5:18: services.s.depends_on[0]: unknown service 'ghost'`,
    ]);
  });

  it("notes the fields a topology has no use for", async () => {
    const { result } = await topology(
      service(
        "image: handsonsecurity/seed-ubuntu:large\ncontainer_name: seed-user\nhostname: u\ntty: true\nstdin_open: true\nrestart: always",
      ),
    );
    expect(notes(result, "dropped")).toEqual([
      "6:15 a node's host name is its node name",
      "7:10 terminals come from the dashboard",
      "8:17 terminals come from the dashboard",
      "9:14 socketlab restarts nodes itself",
    ]);
    expect(notes(result, "mapped")).toContain(
      "5:21 container seed-user: each copy's node is reached by its node name, its terminal from the dashboard",
    );
  });

  it("renames services to node names and says so", async () => {
    const { doc, result } = await topology(`
services:
  Local_Server: { networks: [lan] }
${LAN.replace("net-10.9.0.0", "lan")}`);
    expect(Object.keys(doc.nodes)).toEqual(["local-server"]);
    expect(notes(result, "mapped")).toContain("3:3 service Local_Server is node local-server");
  });

  it("turns a SEED command into start commands and routes", async () => {
    const { doc, result } = await topology(`
services:
  host:
    networks: { lan: { ipv4_address: 10.9.0.5 } }
    command: bash -c "ip route del default && ip route add default via 10.9.0.11 && ping -c1 10.8.0.5 ; python3 -m http.server 80 & tail -f /dev/null"
  router:
    sysctls: [net.ipv4.ip_forward=1]
    networks: { lan: { ipv4_address: 10.9.0.11 }, wan: { ipv4_address: 10.8.0.11 } }
networks:
  lan: { ipam: { config: [{ subnet: 10.9.0.0/24 }] } }
  wan: { ipam: { config: [{ subnet: 10.8.0.0/24 }] } }
`);
    expect(doc.nodes.host.start).toEqual(["ping -c1 10.8.0.5", "python3 -m http.server 80 &"]);
    expect(doc.nodes.host.routes).toEqual([{ to: "wan", via: "router" }]);
    expect(notes(result, "check")).toContain(
      "5:14 'ping -c1 10.8.0.5': names a handout address, but each copy of the lab has its own subnets: use the node's name instead",
    );
  });

  it("takes the build's CMD when the service has no command, noting it at the Dockerfile's line", async () => {
    const { doc, result } = await topology(service("build: ./b"), {
      "b/Dockerfile": "FROM x\nRUN make\nWORKDIR /srv\nCMD python3 app.py &\n",
    });
    expect(doc.nodes.s.start).toEqual(["python3 app.py &"]);
    expect(
      result.ok &&
        result.report.notes
          .filter((n) => n.file === "Labsetup/b/Dockerfile")
          .map((n) => `${n.kind} ${n.line} ${n.message}`),
    ).toEqual([
      "check 2 not run (nothing is built): RUN make",
      "dropped 3 no counterpart in a topology: WORKDIR /srv",
    ]);
  });
});

describe("files", () => {
  it("copies a mounted folder's files (scripts executable), a mounted file, and what COPY brings", async () => {
    const { doc, result } = await topology(
      service("build: ./img\nvolumes: [./volumes:/volumes, ./one.txt:/etc/one.txt:ro]"),
      {
        "volumes/a.py": "#!/usr/bin/env python3\n",
        "volumes/sub/b.txt": "b\n",
        "volumes/.gitkeep": "",
        "one.txt": "one\n",
        "img/Dockerfile":
          "FROM x\nCOPY conf/ /etc/app/\nCOPY a.conf b.conf /etc/\nCOPY c.conf /etc/app/renamed.conf\n",
        "img/conf/x.conf": "x\n",
        "img/a.conf": "a\n",
        "img/b.conf": "b\n",
        "img/c.conf": "c\n",
      },
    );
    expect(doc.nodes.s.files).toEqual([
      { path: "/etc/app/x.conf", source: "img/conf/x.conf", mode: "0644" },
      { path: "/etc/a.conf", source: "img/a.conf", mode: "0644" },
      { path: "/etc/b.conf", source: "img/b.conf", mode: "0644" },
      { path: "/etc/app/renamed.conf", source: "img/c.conf", mode: "0644" },
      { path: "/volumes/a.py", source: "volumes/a.py", mode: "0755" },
      { path: "/volumes/sub/b.txt", source: "volumes/sub/b.txt", mode: "0644" },
      { path: "/etc/one.txt", source: "one.txt", mode: "0644" },
    ]);
    expect(result.ok && [...result.files.keys()].sort()).toEqual([
      "IMPORT.md",
      "img/a.conf",
      "img/b.conf",
      "img/c.conf",
      "img/conf/x.conf",
      "one.txt",
      "topology.yaml",
      "volumes/a.py",
      "volumes/sub/b.txt",
    ]);
    expect(notes(result, "dropped")).toContain("5:35 mount options ro");
  });

  it("refuses a set-up file that would land as the lab's handout, README.md at the folder's top", async () => {
    const found = await errors(service("image: x\nvolumes: [./README.md:/root/README.md]"), {
      "README.md": "the set-up's own notes\n",
    });
    expect(found).toEqual([
      `${FILE}:1:1: the set-up's own README.md would become the lab's handout; rename it`,
    ]);
  });

  it("a mounted file over a copied one wins, with a note", async () => {
    const { doc, result } = await topology(
      service("build: ./img\nvolumes: [./mine.conf:/etc/x.conf]"),
      {
        "img/Dockerfile": "FROM x\nCOPY x.conf /etc/x.conf\n",
        "img/x.conf": "image\n",
        "mine.conf": "mine\n",
      },
    );
    expect(doc.nodes.s.files).toEqual([{ path: "/etc/x.conf", source: "mine.conf", mode: "0644" }]);
    expect(notes(result, "changed")).toContain("5:15 /etc/x.conf replaces img/x.conf");
  });

  it("a copied resolv.conf naming a node becomes that node as resolver", async () => {
    const { doc } = await topology(service("build: ./u"), {
      "u/Dockerfile": "FROM x\nCOPY resolv.conf /etc/resolv.conf\n",
      "u/resolv.conf": "# lab\nnameserver 10.9.0.53\n",
    });
    expect(doc.nodes.s.resolver).toBe("ns");
    expect(doc.nodes.s.files).toBeUndefined();
    const other = await topology(service("build: ./u"), {
      "u/Dockerfile": "FROM x\nCOPY resolv.conf /etc/resolv.conf\n",
      "u/resolv.conf": "nameserver 8.8.8.8\n",
    });
    expect(other.doc.nodes.s.resolver).toBeUndefined();
    expect(other.doc.nodes.s.files).toHaveLength(1);
    expect(notes(other.result, "check")).toContainEqual(
      expect.stringContaining("names no node of the lab"),
    );
  });

  it("notes empty or missing mounted folders, anonymous volumes, patterns and relative destinations", async () => {
    const { result } = await topology(
      service("build: ./img\nvolumes: [./volumes:/volumes, /data]"),
      {
        "img/Dockerfile": "FROM x\nCOPY *.conf /etc/\nCOPY a.conf etc/a.conf\n",
      },
    );
    expect(notes(result, "dropped")).toEqual(
      expect.arrayContaining([
        "5:15 ./volumes has no files: nothing to copy (the node gets no shared folder)",
        "5:35 anonymous volume /data: nothing to bring along",
      ]),
    );
    expect(
      result.ok &&
        result.report.notes
          .filter((n) => n.file === "Labsetup/img/Dockerfile")
          .map((n) => n.message),
    ).toEqual([
      "'*.conf': patterns are not expanded; name each file",
      "COPY a.conf etc/a.conf: a relative destination is not kept; write it as an absolute path",
    ]);
  });

  it("refuses files outside the set-up's folder or the build's, named volumes, and missing sources", async () => {
    expect(
      await errors(
        service(
          "build: ./img\nvolumes: [../secret:/s, /etc:/etc2, data:/var/lib/data, ./x:relative]",
        ),
        {
          "img/Dockerfile": "FROM x\nCOPY ../outside.conf /etc/\nCOPY missing.conf /etc/\n",
          "outside.conf": "x",
          x: "x",
        },
      ),
    ).toEqual([
      `${FILE}:5:15: services.s.volumes[0]: '../secret' is outside the set-up's folder`,
      `${FILE}:5:29: services.s.volumes[1]: '/etc' is outside the set-up's folder`,
      `${FILE}:5:41: services.s.volumes[2]: named volume 'data' is not supported: mount a folder of the set-up (./volumes)`,
      `${FILE}:5:61: services.s.volumes[3]: 'relative' is not an absolute path in the container`,
      "Labsetup/img/Dockerfile:2:1: COPY source '../outside.conf' is outside the build folder",
      "Labsetup/img/Dockerfile:3:1: 'img/missing.conf' does not exist in the set-up's folder",
    ]);
    expect(await errors(service("build: ../elsewhere"))).toEqual([
      `${FILE}:4:12: services.s.build: build folder '../elsewhere' is outside the set-up's folder`,
    ]);
    expect(await errors(service("build: { context: ./b, dockerfile: Dockerfile.lab }"))).toEqual([
      `${FILE}:4:23: services.s.build.context: the build's Dockerfile (b/Dockerfile.lab): 'b/Dockerfile.lab' is not among the files sent`,
    ]);
  });

  it("refuses to bring more files than an import takes", async () => {
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`volumes/f${i}`, "x"]));
    expect(await errors(service("volumes: [./volumes:/v]"), many)).toEqual([
      `${FILE}:4:15: services.s.volumes[0]: 'volumes' holds more than 200 files, more than an import brings along`,
    ]);
  });
});

describe("compose files it refuses", () => {
  it("text that is not YAML, with the place of the mistake", async () => {
    expect(await errors("services:\n  a: [unclosed\n")).toEqual([
      expect.stringMatching(/^Labsetup\/docker-compose\.yml:\d+:\d+: invalid YAML: /),
    ]);
    expect(await errors("- a list\n")).toEqual([
      `${FILE}:1:1: a compose file must be a mapping with services and networks`,
    ]);
    expect(await errors("services: {}\nservices: {}\n")).toEqual([
      `${FILE}:2:1: services: duplicate field 'services'`,
    ]);
  });

  it("published ports, secrets, extends, other network modes and unknown fields, each at its key", async () => {
    expect(
      await errors(`
version: "3.8"
x-common: { a: 1 }
services:
  a:
    ports: ["8080:80"]
    extends: { service: b }
    secrets: [pw]
    network_mode: bridge
    deploy: {}
    networks: [lan]
secrets:
  pw: { file: ./pw }
volumes:
  data: {}
${LAN.replace("net-10.9.0.0", "lan")}`),
    ).toEqual([
      `${FILE}:6:5: services.a.ports: ports: publishes ports on the host; lab nodes reach each other inside the lab, never the host`,
      `${FILE}:7:5: services.a.extends: extends: extends is not supported: write the service out whole`,
      `${FILE}:8:5: services.a.secrets: secrets: secrets are not supported: put what the node needs in its files`,
      `${FILE}:9:19: services.a.network_mode: only network_mode: host is supported`,
      `${FILE}:10:5: services.a.deploy: deploy: is not supported by the import`,
      `${FILE}:12:1: secrets: secrets: secrets are not supported: put what the node needs in its files`,
      `${FILE}:14:1: volumes: volumes: named volumes are not supported: a node's files come from the set-up's folder`,
    ]);
  });

  it("fields of the wrong form, in YAML's words", async () => {
    expect(await errors("services:\n  a:\n    privileged: yes please\n")).toEqual([
      `${FILE}:3:17: services.a.privileged: expected true/false, found 'yes please'`,
    ]);
    expect(await errors("version: 3\n")).toEqual([`${FILE}:1:1: services: required`]);
  });
});

describe("the report", () => {
  it("lists every node with what it became and its handout addresses, and the notes by kind", async () => {
    const { result } = await topology(`
services:
  attacker: { network_mode: host, privileged: true }
  user: { image: handsonsecurity/seed-ubuntu:large, networks: { lan: { ipv4_address: 10.9.0.5 } } }
${LAN.replace("net-10.9.0.0", "lan")}`);
    if (!result.ok) throw new Error("import failed");
    expect(result.report.nodes).toEqual([
      {
        service: "attacker",
        node: "attacker",
        what: "attacker on every lab network (scapy, tcpdump, tshark, gcc)",
        addresses: ["lan 10.9.0.2"],
      },
      {
        service: "user",
        node: "user",
        what: "host with SEED's tools (scapy, tcpdump, gcc: socketlab/attacker's image)",
        addresses: ["lan 10.9.0.5"],
      },
    ]);
    const markdown = result.files.get("IMPORT.md")?.toString() ?? "";
    expect(markdown).toContain("| attacker | attacker | attacker on every lab network");
    expect(markdown).toContain("## Changed on the way");
    expect(markdown).toContain(
      `- \`${FILE}:3:47\` the attacker role's own capabilities stand in for it`,
    );
    expect(markdown.indexOf("## Changed on the way")).toBeLessThan(markdown.indexOf("## Mapped"));
  });
});

describe("bounds", () => {
  it("stops at 200 files brought in across services, reporting it once", async () => {
    const volumes = (n: number) =>
      Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`v${n}/f${i}`, "x"]));
    expect(
      await errors(
        `
services:
  a: { volumes: ["./v1:/v"], networks: [lan] }
  b: { volumes: ["./v2:/v"], networks: [lan] }
  c: { volumes: ["./v3:/v"], networks: [lan] }
${LAN.replace("net-10.9.0.0", "lan")}`,
        { ...volumes(1), ...volumes(2), ...volumes(3) },
      ),
    ).toEqual([
      `${FILE}:4:18: services.b.volumes[0]: the set-up brings more than 200 files or 4 MiB into its nodes`,
    ]);
  });
});

describe("a bind9 build with its own start script", () => {
  it("runs the script in the background and leaves starting bind9 to it, with a note to check", async () => {
    const { doc, result } = await topology(
      service("build: ./dns\ncommand: bash -c 'ip route del default && /start.sh'"),
      {
        "dns/Dockerfile":
          "FROM handsonsecurity/seed-server:bind\nCOPY start.sh /start.sh\nCOPY named.conf /etc/bind/\n",
        "dns/start.sh": "#!/bin/sh\nservice named start\ntail -f /dev/null\n",
        "dns/named.conf": "options {};\n",
      },
    );
    expect(doc.nodes.s.start).toEqual(["/start.sh >/dev/null 2>&1 &"]);
    expect(doc.nodes.s.files[0]).toEqual({
      path: "/start.sh",
      source: "dns/start.sh",
      mode: "0755",
    });
    expect(notes(result, "check")).toContainEqual(
      expect.stringContaining("the build's own start script runs in the background"),
    );
  });
});
