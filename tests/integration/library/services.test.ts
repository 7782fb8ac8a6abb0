// topologies/services: every role in one lab, each server answering a real client on the
// student's node, by the names the lab's own DNS gives them, through the router.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import { labStatus } from "../../../orchestrator/src/labs/status.ts";
import { TOPOLOGIES_DIR } from "../../../orchestrator/src/paths.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import { ROLES } from "../../../orchestrator/src/roles/index.ts";
import { loadTopologyFile } from "../../../orchestrator/src/roles/load.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
const lab = uniqueLabId("it-all-roles");

beforeAll(async () => {
  engine = await testEngine();
  const loaded = await loadTopologyFile(join(TOPOLOGIES_DIR, "services", "topology.yaml"));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  plan = (await upLab(engine, loaded.topology, { lab, owner: "erin" })).plan;
});

afterAll(async () => {
  await downLab(engine, lab);
});

const address = (node: string) =>
  plan.nodes.find((n) => n.name === node)?.endpoints[0]?.address as string;

const onClient = (script: string) => sh(engine, lab, "client", script);

describe("the services lab", () => {
  it("holds every role, each node running", async () => {
    const status = await labStatus(engine, lab);
    expect(status?.state).toBe("running");
    const roles = new Set(plan.nodes.map((n) => n.image.replace(/^socketlab\/(.*):latest$/, "$1")));
    expect([...roles].sort()).toEqual(ROLES.map((r) => r.imageFolder).sort());
  });

  it("resolves the servers' names through the lab's own root, .com and example.com", async () => {
    const result = await onClient("dig +short www.example.com; dig +short MX example.com");
    expect(result.stdout).toBe(`${address("web")}\n10 mail.example.com.\n`);
  });

  it("serves HTTPS verified against the lab CA, with CGI and WSGI", async () => {
    const result = await onClient(
      "curl -fsS https://www.example.com/ && curl -fsS https://www.example.com/cgi-bin/time.py && curl -fsS https://www.example.com/app/",
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(
      /^Welcome to example.com.*\nlab time \d\d:\d\d:\d\d\nhello from WSGI\n$/,
    );
  });

  it("greets on SMTP, IMAP, FTP and SSH, and answers memcached", async () => {
    const banner = (host: string, port: number) => `nc -w 5 ${host} ${port} </dev/null | head -1`;
    const result = await onClient(
      [
        banner("mail.example.com", 25),
        banner("mail.example.com", 143),
        banner("ftp.example.com", 21),
        banner("ssh.example.com", 22),
        "printf 'version\\r\\n' | nc -w 2 cache.example.com 11211",
      ].join("; "),
    );
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^220 .*ESMTP/);
    expect(lines[1]).toMatch(/^\* OK .*Dovecot/);
    expect(lines[2]).toMatch(/^220/);
    expect(lines[3]).toMatch(/^SSH-2\.0-OpenSSH/);
    expect(lines[4]).toMatch(/^VERSION \d/);
  });

  it("routes the client's traffic through the router", async () => {
    const result = await onClient(`traceroute -n -w 2 -q 1 ${address("web")}`);
    expect(result.stdout).toContain(` ${address("router")} `);
  });

  it("gives the attacker raw sockets and the sniffer the LAN's traffic", async () => {
    const capture = sh(
      engine,
      lab,
      "sniffer",
      `timeout 8 tcpdump -n -i eth0 -c 3 icmp and src ${address("attacker")} and dst ${address("client")} 2>/dev/null`,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const forged = await sh(
      engine,
      lab,
      "attacker",
      `python3 -c "from scapy.all import IP, ICMP, send; send(IP(dst='${address("client")}')/ICMP(), count=5, inter=0.2, verbose=False)"`,
    );
    expect(forged.exitCode).toBe(0);
    expect((await capture).stdout.trim().split("\n")).toHaveLength(3);
  });

  it("has a real browser on the lan that visits the web server's app", async () => {
    const visited = await sh(
      engine,
      lab,
      "web",
      `for i in $(seq 90); do grep -q '^${address("browser")} .*"GET /app/ .*Chrome' /var/log/nginx/access.log && exit 0; sleep 1; done; exit 1`,
    );
    expect(visited.exitCode).toBe(0);
  });
});
