// The network roles against the real engine: a router between three networks (with routes on
// the nodes, a delay toward b and a loss toward c), a sniffer on a sniffable and a plain network,
// an attacker forging packets, and `socketlab capture` of a lab network.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import { formatAddress, parseCidr } from "../../../orchestrator/src/net/ipv4.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { filesArchive } from "../../../orchestrator/src/runtime/files.ts";
import { labInventory } from "../../../orchestrator/src/runtime/inventory.ts";
import { cli, docker, fixture, sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
const lab = uniqueLabId("it-network");
const scratch = mkdtempSync(join(tmpdir(), "socketlab-network-"));

beforeAll(async () => {
  engine = await testEngine();
  plan = (await upLab(engine, await fixture("router-lab.yaml"), { lab, owner: "dave" })).plan;
});

afterAll(async () => {
  await downLab(engine, lab);
  rmSync(scratch, { recursive: true, force: true });
});

function address(node: string, network: string): string {
  const found = plan.nodes
    .find((n) => n.name === node)
    ?.endpoints.find((e) => e.network === network);
  if (!found) throw new Error(`${node} is not on ${network}`);
  return found.address;
}

function subnet(network: string): string {
  return plan.networks.find((n) => n.name === network)?.subnet ?? "";
}

const run = (node: string, script: string) => sh(engine, lab, node, script);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `ping`'s summary: replies received and the smallest round trip in ms. */
async function ping(node: string, target: string, count: number, interval = 0.2) {
  const result = await run(node, `ping -n -c ${count} -i ${interval} -W 2 ${target}`);
  const received = /(\d+) received/.exec(result.stdout);
  const rtt = /rtt min\/avg\/max\/mdev = ([0-9.]+)\//.exec(result.stdout);
  if (!received) throw new Error(`no ping summary: ${result.stdout}${result.stderr}`);
  return { received: Number(received[1]), minMs: rtt ? Number(rtt[1]) : Number.NaN };
}

/** How many packets matching `filter` tcpdump sees in 6 s on `node`'s interface on `network`. */
async function listen(node: string, network: string, filter: string): Promise<number> {
  const device = `$(ip -o -4 addr show | awk '$4 ~ /^${address(node, network)}\\//{print $2}')`;
  const result = await run(
    node,
    `timeout 6 tcpdump -n -l -i ${device} '${filter}' 2>/dev/null | wc -l`,
  );
  return Number(result.stdout.trim());
}

describe("a router with routes on both sides", () => {
  it("carries ping and TCP between two networks that share only the router", async () => {
    const routes = await run("client", "ip route");
    expect(routes.stdout).toContain(`${subnet("b")} via ${address("router", "a")}`);

    // One hop: the server's replies arrive with a TTL one lower than they left with.
    const pinged = await run("client", "ping -n -c 3 -i 0.2 server");
    expect(pinged.exitCode).toBe(0);
    const replies = pinged.stdout
      .split("\n")
      .filter((l) => l.includes(`from ${address("server", "b")}:`));
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toContain(" ttl=63 ");

    const listen = await run(
      "server",
      "(nc -l 7000 > /tmp/received &); for i in $(seq 50); do ss -ltn | grep -q ':7000 ' && exit 0; sleep 0.1; done; exit 1",
    );
    expect(listen.exitCode).toBe(0);
    const sent = await run("client", "echo across-the-router | nc -N -w 5 server 7000");
    expect(sent.exitCode).toBe(0);
    const received = await run(
      "server",
      "for i in $(seq 50); do [ -s /tmp/received ] && break; sleep 0.1; done; cat /tmp/received",
    );
    expect(received.stdout).toBe("across-the-router\n");
  });

  it("delays what it sends toward b by the configured 100 ms, and nothing else", async () => {
    const qdisc = await run("router", "tc qdisc show");
    // netem where the kernel has it; elsewhere the fallback's TBF for the rate (the delay is the
    // NFQUEUE delayer, measured below).
    expect(qdisc.stdout).toMatch(/netem .*delay 100ms|tbf .*rate 8Mbit/);

    const delayed = await ping("client", "server", 10);
    const direct = await ping("client", address("router", "a"), 10);
    // Docker drops the odd routed packet while other labs' networks come and go (see README):
    // what counts here is the time of those that arrive.
    expect(delayed.received).toBeGreaterThan(0);
    expect(delayed.minMs).toBeGreaterThanOrEqual(90);
    expect(direct.minMs).toBeLessThan(delayed.minMs / 2);
  });

  it("loses about half of what it sends toward c", async () => {
    const { received } = await ping("client", "peer", 40, 0.1);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(40);
  });

  it("masquerades what it sends toward c: the peer sees the router's address, not the client's", async () => {
    const seen = run("peer", "timeout 15 tcpdump -n -l -c 1 -i eth0 'icmp[icmptype] = icmp-echo'");
    await pause(1500);
    await run("client", "ping -c 20 -i 0.1 peer"); // half are lost on the way: some get there
    const { stdout } = await seen;
    expect(stdout).toContain(
      `${address("router", "c")} > ${address("peer", "c")}: ICMP echo request`,
    );
  });
});

describe("a sniffer", () => {
  it("sees two other nodes' unicast traffic on a sniffable network, not on a plain one", async () => {
    const [client, routerA, server, routerB] = [
      address("client", "a"),
      address("router", "a"),
      address("server", "b"),
      address("router", "b"),
    ];
    // Until the bridges have learnt where each node is, they flood whatever network it is.
    await run("client", `ping -c 1 ${routerA}`);
    await run("server", `ping -c 1 ${routerB}`);

    const onA = listen("sniffer", "a", `icmp and host ${client} and host ${routerA}`);
    const onB = listen("sniffer", "b", `icmp and host ${server} and host ${routerB}`);
    await pause(1500); // both tcpdumps are listening by then
    await Promise.all([
      run("client", `ping -c 10 -i 0.2 ${routerA}`),
      run("server", `ping -c 10 -i 0.2 ${routerB}`),
    ]);
    expect(await onA).toBeGreaterThanOrEqual(10);
    expect(await onB).toBeLessThanOrEqual(2);
  });
});

describe("socketlab capture", () => {
  it("writes a pcap of a network, every frame between its nodes, that tcpdump reads", async () => {
    const file = join(scratch, "b.pcap");
    const capture = cli(["capture", lab, "b", "--seconds", "5", "-o", file]);
    await pause(1500);
    await run("client", "ping -c 10 -i 0.2 server");
    const result = await capture;
    expect(result.stderr).toMatch(/packets captured, written to/);
    expect(result.code).toBe(0);

    // A pcap file: its magic number, and Ethernet frames.
    const data = readFileSync(file);
    expect(data.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(data.readUInt32LE(20)).toBe(1);

    // Network b is not sniffable: a capture on its bridge sees the routed traffic all the same.
    const sniffer = (await labInventory(engine, lab)).containers.find((c) => c.name === "sniffer");
    const archive = await filesArchive([
      { path: "/tmp/b.pcap", contentBase64: data.toString("base64"), mode: 0o644 },
    ]);
    await docker.getContainer(sniffer?.id as string).putArchive(archive, { path: "/" });
    const read = await run("sniffer", "tcpdump -n -r /tmp/b.pcap icmp");
    const requests = read.stdout
      .split("\n")
      .filter((line) =>
        line.includes(`${address("client", "a")} > ${address("server", "b")}: ICMP echo request`),
      );
    expect(requests.length).toBeGreaterThanOrEqual(5);
  });

  it("refuses a network the lab does not have, listing those it has", async () => {
    const file = join(scratch, "none.pcap");
    const result = await cli(["capture", lab, "nowhere", "--seconds", "1", "-o", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`lab ${lab} has no network 'nowhere'; its networks: a, b, c`);
    expect(() => readFileSync(file)).toThrow();
  });
});

describe("an attacker", () => {
  it("forges an ICMP echo from an address it does not have, which the target sees", async () => {
    const parsed = parseCidr(subnet("a"));
    if (!parsed.ok) throw new Error(parsed.reason);
    const spoofed = formatAddress(parsed.cidr.base + 123);
    const target = address("client", "a");
    const seen = run(
      "client",
      `timeout 20 tcpdump -n -l -A -c 1 -i eth0 'icmp and src ${spoofed}'`,
    );
    await pause(1500);
    const forged = await run(
      "attacker",
      `python3 -c 'from scapy.all import IP, ICMP, Raw, send; send(IP(src="${spoofed}", dst="${target}")/ICMP()/Raw(b"forged-by-scapy"), count=3, inter=0.5, verbose=False)'`,
    );
    expect(forged.exitCode).toBe(0);
    const { stdout } = await seen;
    expect(stdout).toContain(`${spoofed} > ${target}: ICMP echo request`);
    expect(stdout).toContain("forged-by-scapy");
  });
});
