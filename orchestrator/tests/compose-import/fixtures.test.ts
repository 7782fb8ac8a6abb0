// The three SEED-shaped set-ups of tests/fixtures/seed, imported from disk: the topologies they
// become, whole. tests/integration/import-seed.test.ts brings them up.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { diskFolder } from "../../src/compose-import/folder.ts";
import { importCompose } from "../../src/compose-import/import.ts";
import { REPO_ROOT } from "../../src/paths.ts";

async function importFixture(lab: string) {
  const folder = join(REPO_ROOT, "tests", "fixtures", "seed", lab, "Labsetup");
  const file = join(folder, "docker-compose.yml");
  const result = await importCompose({
    text: await readFile(file, "utf8"),
    file: `${lab}/Labsetup/docker-compose.yml`,
    folder: diskFolder(folder),
    name: lab,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return { result, doc: parse(result.files.get("topology.yaml")?.toString() ?? "") };
}

describe("SEED-shaped set-ups", () => {
  it("the one-LAN attack lab: a host-network attacker on the LAN in hub mode", async () => {
    const { doc, result } = await importFixture("sniffing");
    expect(doc.networks).toEqual({ "net-10-9-0-0": { subnet: "10.9.0.0/24", sniffable: true } });
    expect(doc.nodes).toEqual({
      attacker: {
        role: "attacker",
        networks: { "net-10-9-0-0": "10.9.0.2" },
        files: [{ path: "/volumes/sniff.py", source: "volumes/sniff.py", mode: "0755" }],
      },
      hosta: {
        image: "socketlab/attacker:latest",
        networks: { "net-10-9-0-0": "10.9.0.5" },
        start: ["python3 -m http.server 8080 --directory /tmp >/dev/null 2>&1 &"],
        capabilities: ["NET_ADMIN", "NET_RAW"],
      },
      hostb: {
        image: "socketlab/attacker:latest",
        networks: { "net-10-9-0-0": "10.9.0.6" },
        capabilities: ["NET_ADMIN", "NET_RAW"],
      },
    });
    expect(doc.defaults).toEqual({ user: "root" });
    expect([...result.files.keys()].sort()).toEqual([
      "IMPORT.md",
      "topology.yaml",
      "volumes/sniff.py",
    ]);
  });

  it("the DNS lab: the bind9 build's own configuration and zones, and the user's resolver", async () => {
    const { doc, result } = await importFixture("dns");
    expect(doc.nodes["local-server"]).toEqual({
      image: "socketlab/dns:latest",
      networks: { "seed-net": "10.9.0.53" },
      files: ["named.conf", "named.conf.options", "zone_example.com", "zone_attacker32.com"].map(
        (name) => ({
          path: `/etc/bind/${name}`,
          source: `image_local_dns_server/${name}`,
          mode: "0644",
        }),
      ),
      start: ["named -4 -u bind"],
      ready: { command: "ss -ltn | grep -q ':53 '", timeout: 30 },
    });
    expect(doc.nodes.user).toEqual({
      image: "socketlab/attacker:latest",
      networks: { "seed-net": "10.9.0.5" },
      resolver: "local-server",
    });
    expect(doc.nodes.attacker).toEqual({ role: "attacker", networks: { "seed-net": "10.9.0.2" } });
    const zone = await readFile(
      join(REPO_ROOT, "tests/fixtures/seed/dns/Labsetup/image_local_dns_server/zone_example.com"),
    );
    expect(result.files.get("image_local_dns_server/zone_example.com")).toEqual(zone);
  });

  it("the two-LAN routing lab: a router, routes from the hosts' commands, an attacker on both LANs", async () => {
    const { doc } = await importFixture("routing");
    expect(doc.networks).toEqual({
      "net-10-9-0-0": { subnet: "10.9.0.0/24", sniffable: true },
      "net-192-168-60-0": { subnet: "192.168.60.0/24", sniffable: true },
    });
    expect(doc.nodes.router).toEqual({
      role: "router",
      networks: { "net-10-9-0-0": "10.9.0.11", "net-192-168-60-0": "192.168.60.11" },
    });
    expect(doc.nodes.hosta.routes).toEqual([{ to: "net-192-168-60-0", via: "router" }]);
    expect(doc.nodes.hostb.routes).toEqual([{ to: "net-10-9-0-0", via: "router" }]);
    expect(doc.nodes.hosta.start).toBeUndefined();
    expect(doc.nodes.attacker).toEqual({
      role: "attacker",
      networks: { "net-10-9-0-0": "10.9.0.2", "net-192-168-60-0": "192.168.60.2" },
    });
  });
});
