// topologies/arp-poisoning, and the proof that M gets between A and B: every check fails
// on a fresh lab and passes once the reference solution (solutions/arp-poisoning/poison.py, never
// in the handout) runs on mallory: alice's ARP entry for bob then shows mallory's MAC, and a
// capture on mallory holds what alice sent bob, while alice and bob still talk.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import { testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology, shOk, solutionFile } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsb-arp");
const CHECKS = ["alice-poisoned", "bob-poisoned-forwarding", "captured"];

const run = (node: string, script: string) => shOk(engine, lab, node, script);

/** The MAC address that `node`'s ARP cache holds for `peer` (after a ping, so it has one). */
const cachedMac = (node: string, peer: string) =>
  run(
    node,
    `ping -c 1 -W 2 ${peer} >/dev/null; ip neigh show $(getent hosts ${peer} | cut -d' ' -f1) | grep -o 'lladdr [0-9a-f:]*' | cut -d' ' -f2`,
  );

/** How many messages of alice's bob has received. */
const inboxLines = async () => Number(await run("bob", "cat /root/inbox.txt 2>/dev/null | wc -l"));

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("arp-poisoning"), { lab, owner: "erin" });
});

afterAll(async () => {
  await downLab(engine, lab);
});

describe("the arp-poisoning lab", () => {
  it("has alice talking to bob, and true ARP entries on both", async () => {
    await run(
      "bob",
      "for i in $(seq 100); do test -s /root/inbox.txt && exit 0; sleep 0.1; done; exit 1",
    );
    expect(await run("bob", "head -n 1 /root/inbox.txt")).toContain("alice: the door code is");
    const macs = {
      alice: await run("alice", "cat /sys/class/net/eth0/address"),
      bob: await run("bob", "cat /sys/class/net/eth0/address"),
    };
    expect(await cachedMac("alice", "bob")).toBe(macs.bob);
    expect(await cachedMac("bob", "alice")).toBe(macs.alice);
  });

  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("puts mallory between alice and bob once it poisons both caches and forwards", async () => {
    const mallory = await run("mallory", "cat /sys/class/net/eth0/address");
    await run(
      "mallory",
      `cat > /root/poison.py <<'PY'\n${await solutionFile("arp-poisoning", "poison.py")}\nPY
nohup python3 /root/poison.py >/root/poison.log 2>&1 &
nohup tcpdump -i eth0 -U -w /root/mitm.pcap tcp port 9000 >/root/tcpdump.log 2>&1 &`,
    );
    // Poisoned: both caches name mallory's MAC for the other host.
    await run(
      "alice",
      `for i in $(seq 100); do ip neigh show $(getent hosts bob | cut -d' ' -f1) | grep -q 'lladdr ${mallory}' && exit 0; sleep 0.1; done; exit 1`,
    );
    expect(await cachedMac("alice", "bob")).toBe(mallory);
    expect(await cachedMac("bob", "alice")).toBe(mallory);
    // Forwarded: alice's messages still arrive (she sends one every 2 s) ...
    const before = await inboxLines();
    await run(
      "bob",
      `for i in $(seq 100); do test $(wc -l </root/inbox.txt) -ge ${before + 2} && exit 0; sleep 0.1; done; exit 1`,
    );
    // ... and mallory's capture holds them, in frames addressed to mallory.
    const seen = await run(
      "mallory",
      `tcpdump -r /root/mitm.pcap -nn -A "ether dst ${mallory} and src host $(getent hosts alice | cut -d' ' -f1) and dst host $(getent hosts bob | cut -d' ' -f1)" 2>/dev/null`,
    );
    const code = (await readLabRecord(engine, lab))?.values?.["door-code"];
    expect(code).toMatch(/^[0-9]{6}$/);
    expect(seen).toContain(`alice: the door code is ${code}`);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
