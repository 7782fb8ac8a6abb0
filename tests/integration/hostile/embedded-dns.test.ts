// Attack: a DNS channel out of the lab through Docker's embedded resolver (127.0.0.11), which on
// engines before 23.0.11/25.0.4/26.0 (CVE-2024-29018; Debian 12's 20.10 among them) forwards what
// it does not know to the engine host's upstream, asked from the host itself when that upstream is
// on the host's loopback, internal networks or not. On an extra engine whose resolv.conf names a
// DNS server on its own loopback (a listener that prints every query it gets): a container that
// names no upstream of its own does reach it (the engine leaks, so the test can fail), and no
// query from any node of a lab does, whether the node has a `resolver:` or not, asked through its
// resolv.conf or of 127.0.0.11 directly, over UDP or TCP. Names inside the lab still resolve.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../orchestrator/src/api/app.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { labInventory } from "../../../orchestrator/src/runtime/inventory.ts";
import {
  destroyExtraEngines,
  type ExtraEngine,
  startExtraEngines,
} from "../../../support/extra-engines.ts";
import { studentLab } from "./engine-lab.ts";

const id = randomBytes(2).toString("hex");
const topology = `it-dns-${id}`;
const DNS_IMAGE = "socketlab/dns:latest";
let extra: ExtraEngine;
let app: App;
let listener: ChildProcess | undefined;
/** The upstream's log: one line per query it was sent. */
let heard = "";
let lab = "";

const YAML = `name: ${topology}
networks:
  lan: { subnet: 10.9.0.0/24 }
nodes:
  ns:
    role: dns
    networks: { lan: .53 }
    config:
      zones:
        lab.test:
          "@": { NS: ns }
          ns: { A: .53@lan }
          www: { A: .80@lan }
  client:
    image: ${DNS_IMAGE}
    networks: { lan: .10 }
    resolver: ns
  plain:
    image: ${DNS_IMAGE}
    networks: { lan: .20 }
`;

async function node(name: string): Promise<string> {
  const found = (await labInventory(extra.engine, lab)).containers.find((c) => c.name === name);
  if (!found) throw new Error(`no node ${name}`);
  return found.id;
}

/** A shell command in a container, as root (a student is root in their nodes). */
async function sh(container: string, script: string): Promise<string> {
  return (await execCapture(extra.engine, container, ["sh", "-c", script])).stdout.trim();
}

/** Every way a node can ask a name: its resolv.conf, and 127.0.0.11 over UDP and TCP. */
const askEveryWay = (name: string) =>
  [
    `getent hosts ${name}-libc`,
    `dig +tries=1 +time=2 @127.0.0.11 ${name}-udp A`,
    `dig +tcp +tries=1 +time=2 @127.0.0.11 ${name}-tcp A`,
    "true",
  ].join("; ");

beforeAll(async () => {
  [extra] = (await startExtraEngines(
    [`d${id}`],
    ["socketlab/host-guard:latest", "socketlab/base:latest", DNS_IMAGE],
    { resolvConf: "nameserver 127.0.0.1\n" },
  )) as [ExtraEngine];
  listener = spawn(
    "nsenter",
    [
      `--net=/run/netns/${extra.netns}`,
      process.execPath,
      join(import.meta.dirname, "dns-listener.ts"),
      "127.0.0.1",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  listener.stdout?.on("data", (chunk: Buffer) => {
    heard += chunk.toString("latin1");
  });
  for (let i = 0; i < 100 && !heard.includes("listening\n"); i++) await sleep(100);
  expect(heard).toContain("listening\n");

  ({ app, lab } = await studentLab(extra.engine, topology, YAML));
}, 600_000);

afterAll(async () => {
  listener?.kill();
  await app?.close();
  if (extra) await destroyExtraEngines([extra]);
}, 300_000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Docker's embedded resolver in a lab node", () => {
  it("forwards nothing to the engine's upstream; the lab's names still resolve", async () => {
    // Every node of the lab, with a resolver (client), without (plain), and the lab's DNS
    // server itself, asks names the lab does not know, every way it can.
    for (const name of ["client", "plain", "ns"]) {
      await sh(await node(name), askEveryWay(`leak-${name}-${id}.example`));
    }

    // The engine leaks as the CVE says: a container on an internal network that names no
    // upstream has its query reach the listener on the engine's loopback. Asked last, its line
    // also says that the listener has printed everything it was sent before.
    await extra.docker.createNetwork({ Name: `leaky${id}`, Internal: true });
    const leaky = await extra.docker.createContainer({
      name: `leaky${id}`,
      Image: DNS_IMAGE,
      Cmd: ["sleep", "infinity"],
      HostConfig: { NetworkMode: `leaky${id}` },
    });
    await leaky.start();
    await sh(leaky.id, `dig +tries=1 +time=2 @127.0.0.11 control-${id}.example A; true`);
    for (let i = 0; i < 100 && !heard.includes(`control-${id}.example`); i++) await sleep(100);
    await leaky.remove({ force: true });
    await extra.docker.getNetwork(`leaky${id}`).remove();
    expect(heard).toContain(`udp control-${id}.example\n`);
    expect(heard.split("\n").filter((line) => line.includes("leak-"))).toEqual([]);

    // Inside the lab: the lab's DNS answers through the node's resolv.conf and through the
    // embedded resolver (which forwards to it), node names come from /etc/hosts, and the
    // embedded resolver still answers the names of the network's containers.
    const client = await node("client");
    const plain = await node("plain");
    const www = await sh(client, "dig +short +tries=2 +time=2 www.lab.test A");
    expect(www).toMatch(/^\d+\.\d+\.\d+\.80$/);
    expect(await sh(client, "dig +short +tries=2 +time=2 @127.0.0.11 www.lab.test A")).toBe(www);
    const clientAddress = www.replace(/\.80$/, ".10");
    expect(await sh(plain, "getent hosts client | cut -d' ' -f1")).toBe(clientAddress);
    expect(await sh(plain, `dig +short +tries=2 +time=2 @127.0.0.11 sl_${lab}_client A`)).toBe(
      clientAddress,
    );
  });
});
