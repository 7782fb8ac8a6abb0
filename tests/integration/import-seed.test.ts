// `socketlab import` of the three SEED-shaped set-ups in tests/fixtures/seed, each brought up
// twice side by side: in each copy the attacker (SEED's host-network attacker) sees its LANs'
// traffic between two other nodes (hub mode), and nothing of the other copy's.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { REPO_ROOT } from "../../orchestrator/src/paths.ts";
import { loadTopologyFile } from "../../orchestrator/src/roles/load.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import type { Topology } from "../../orchestrator/src/topology/model.ts";
import { cli, labObjects, sh, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
let work: string;
/** Every copy brought up, so that each is taken down and checked gone, whatever failed. */
const labs: string[] = [];

beforeAll(async () => {
  engine = await testEngine();
  work = await mkdtemp(join(tmpdir(), "sl-import-it-"));
});

afterAll(async () => {
  for (const lab of labs) await takeDown(lab);
  for (const lab of labs) {
    const left = await labObjects(engine, lab);
    expect(left.containers.length + left.networks.length + left.volumes.length).toBe(0);
  }
  await rm(work, { recursive: true, force: true });
});

/** The fixture through the CLI, as an instructor imports it, then loaded as any topology. */
async function imported(fixture: string): Promise<Topology> {
  const output = join(work, fixture);
  const compose = join(REPO_ROOT, "tests/fixtures/seed", fixture, "Labsetup/docker-compose.yml");
  const run = await cli(["import", compose, "-o", output, "--name", `seed-${fixture}`]);
  expect(run.code, run.stderr).toBe(0);
  const loaded = await loadTopologyFile(join(output, "topology.yaml"));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.diagnostics));
  return loaded.topology;
}

async function twoCopies(topology: Topology, prefix: string): Promise<[string, string]> {
  const copies: [string, string] = [uniqueLabId(`it-${prefix}-a`), uniqueLabId(`it-${prefix}-b`)];
  for (const lab of copies) {
    labs.push(lab);
    await upLab(engine, topology, { lab, owner: "erin" });
  }
  return copies;
}

/** Each set-up's copies go before the next one's come: fewer containers at once on two cores. */
async function takeDown(lab: string): Promise<void> {
  if ((await labObjects(engine, lab)).volumes.length > 0) await downLab(engine, lab);
}

async function run(lab: string, node: string, script: string): Promise<string> {
  const result = await sh(engine, lab, node, script, 60_000);
  expect(result.exitCode, `${node}: ${script}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout.trim();
}

const INTERFACES = "ls /sys/class/net | grep -v '^lo$'";

/** tcpdump on every interface of the attacker (each in promiscuous mode), once it listens. */
async function startCapture(lab: string, filter: string): Promise<void> {
  await run(
    lab,
    "attacker",
    `for i in $(${INTERFACES}); do
       tcpdump -i "$i" -U -n -w "/tmp/cap-$i.pcap" ${filter} >/dev/null 2>"/tmp/cap-$i.log" &
     done
     want=$(${INTERFACES} | wc -l)
     for n in $(seq 300); do
       [ "$(grep -l 'listening on' /tmp/cap-*.log 2>/dev/null | wc -l)" -eq "$want" ] && exit 0
       sleep 0.1
     done
     exit 1`,
  );
}

/** Stops the attacker's captures; what each interface saw, as text with payloads. */
async function stopCapture(lab: string): Promise<Record<string, string>> {
  const interfaces = (await run(lab, "attacker", INTERFACES)).split("\n");
  await run(
    lab,
    "attacker",
    "pkill -INT tcpdump; while pgrep -x tcpdump >/dev/null; do sleep 0.1; done",
  );
  const seen: Record<string, string> = {};
  for (const i of interfaces)
    seen[i] = await run(lab, "attacker", `tcpdump -r /tmp/cap-${i}.pcap -n -A 2>/dev/null`);
  return seen;
}

/** Packets carrying `marker` an attacker must see on each interface: a switch floods one now and then. */
const SEEN_AT_LEAST = 3;

/**
 * Sends (`send` runs on `node`) until every interface of the attacker has captured SEEN_AT_LEAST
 * packets carrying `marker`, at most ten rounds. A hub-mode bridge still forwards a frame as a
 * switch would for the few ms it keeps an address it just learned (about half the frames here),
 * and a routed packet may be lost in the instant Docker rewrites its rules (docs/reference/roles.md: router).
 * Without hub mode the attacker saw 1 datagram of 50 (with it, 26): SEEN_AT_LEAST tells them apart.
 */
async function sendUntilSeen(lab: string, node: string, send: string, marker: string) {
  for (let round = 0; round < 10; round++) {
    await run(lab, node, send);
    const short = await sh(
      engine,
      lab,
      "attacker",
      `for i in $(${INTERFACES}); do
         n=$(tcpdump -r "/tmp/cap-$i.pcap" -n -A 2>/dev/null | grep -c '${marker}')
         [ "$n" -ge ${SEEN_AT_LEAST} ] || echo "$i"
       done`,
    );
    if (short.exitCode === 0 && short.stdout.trim() === "") return;
  }
}

/** A node's address on its first network. */
const addressOf = (lab: string, node: string) =>
  run(lab, node, "ip -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1");

/** Five UDP datagrams carrying `marker`, from one node to an address (nobody needs to listen). */
const sendMarker = (lab: string, node: string, to: string, marker: string) =>
  sendUntilSeen(
    lab,
    node,
    `python3 -c "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'${marker}', ('${to}', 9999)) for _ in range(5)]"`,
    marker,
  );

const markers = (lab: string) => `mark-${lab}`;

/** How many lines of a capture's text carry `marker`: one per packet. */
const count = (capture: string, marker: string) =>
  capture.split("\n").filter((line) => line.includes(marker)).length;

/** On every interface, the attacker of `own` saw its copy's traffic and none of `other`'s. */
function expectSeenOnly(seen: Record<string, string> | undefined, own: string, other: string) {
  for (const [name, capture] of Object.entries(seen ?? {})) {
    expect(count(capture, markers(own)), `${own} on ${name}`).toBeGreaterThanOrEqual(SEEN_AT_LEAST);
    expect(count(capture, markers(other)), `${own} on ${name}`).toBe(0);
  }
}

describe("an imported one-LAN attack lab, twice", () => {
  let copies: [string, string];

  afterAll(async () => {
    for (const lab of copies ?? []) await takeDown(lab);
  });

  beforeAll(async () => {
    copies = await twoCopies(await imported("sniffing"), "imp-sniff");
  });

  it("lets each attacker see its LAN's traffic between hostA and hostB, and none of the other copy's", async () => {
    for (const lab of copies) await startCapture(lab, "udp port 9999");
    for (const lab of copies)
      await sendMarker(lab, "hosta", await addressOf(lab, "hostb"), markers(lab));
    const [a, b] = await Promise.all(copies.map(stopCapture));
    expectSeenOnly(a, copies[0], copies[1]);
    expectSeenOnly(b, copies[1], copies[0]);
  });

  it("keeps the handout's host parts and the volume's files", async () => {
    for (const lab of copies) {
      expect(await addressOf(lab, "hosta")).toMatch(/\.5$/);
      expect(
        await run(
          lab,
          "attacker",
          "head -c 2 /volumes/sniff.py; test -x /volumes/sniff.py && echo ' x'",
        ),
      ).toBe("#! x");
    }
    expect(await addressOf(copies[0], "hosta")).not.toBe(await addressOf(copies[1], "hosta"));
  });
});

describe("an imported DNS lab with bind9 zones from its build folder, twice", () => {
  let copies: [string, string];

  afterAll(async () => {
    for (const lab of copies ?? []) await takeDown(lab);
  });

  beforeAll(async () => {
    copies = await twoCopies(await imported("dns"), "imp-dns");
  });

  it("serves the build folder's zones to the user through its resolver", async () => {
    for (const lab of copies) {
      expect(await run(lab, "user", "dig +short +tries=3 +time=3 www.example.com")).toBe(
        "192.0.2.80",
      );
      expect(await run(lab, "user", "dig +short +tries=3 +time=3 www.attacker32.com")).toBe(
        "192.0.2.66",
      );
    }
  });

  it("lets each attacker see its user's queries, and none of the other copy's", async () => {
    for (const lab of copies) await startCapture(lab, "udp port 53");
    for (const lab of copies) {
      // The zone's wildcard answers: the query reached the server.
      const query = `dig +short +tries=3 +time=3 ${markers(lab)}.example.com | grep -qx 192.0.2.99`;
      await sendUntilSeen(lab, "user", query, `${markers(lab)}.example.com`);
    }
    const [a, b] = await Promise.all(copies.map(stopCapture));
    expectSeenOnly(a, copies[0], copies[1]);
    expectSeenOnly(b, copies[1], copies[0]);
  });
});

describe("an imported two-LAN routing lab, twice", () => {
  let copies: [string, string];

  afterAll(async () => {
    for (const lab of copies ?? []) await takeDown(lab);
  });

  beforeAll(async () => {
    copies = await twoCopies(await imported("routing"), "imp-route");
  });

  it("routes hostA to hostB through the router", async () => {
    for (const lab of copies) {
      // A few pings: Docker moves its rules while other labs come and go, and drops the odd routed packet.
      await run(lab, "hosta", `ping -c 5 -i 0.2 -W 2 ${await addressOf(lab, "hostb")}`);
    }
  });

  it("lets each attacker see the traffic on both LANs, and none of the other copy's", async () => {
    for (const lab of copies) await startCapture(lab, "udp port 9999");
    for (const lab of copies)
      await sendMarker(lab, "hosta", await addressOf(lab, "hostb"), markers(lab));
    const [a, b] = await Promise.all(copies.map(stopCapture));
    expect(Object.keys(a ?? {})).toHaveLength(2);
    expect(Object.keys(b ?? {})).toHaveLength(2);
    // On both LANs: hostA to the router, and the router on to hostB.
    expectSeenOnly(a, copies[0], copies[1]);
    expectSeenOnly(b, copies[1], copies[0]);
  });
});
