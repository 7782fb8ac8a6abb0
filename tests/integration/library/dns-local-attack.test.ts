// topologies/dns-local-attack: every check fails on a fresh lab and passes after the reference
// attack (attacks/local_spoof.py, never in the handout): from the attacker node on the
// resolver's sniffable LAN, Scapy sniffs the resolver's query and forges the reply before the
// real one comes back through the delaying router. First a forged answer (www.example.com's
// address), then a forged referral from the .com server (the whole of example.com).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../../../orchestrator/src/labs/checks.ts";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { testEngine, uniqueLabId } from "../engine.ts";
import { addressOf, cacheDump, copyAttacks, run } from "./attacks/nodes.ts";
import { expectChecks, libraryTopology } from "./solutions.ts";

let engine: Engine;
let plan: LabPlan;
const lab = uniqueLabId("it-dnsatk-local");
const CHECKS = ["cached-answer", "user-fooled", "zone-taken"];
/** A lost race (a forged reply lost on the bridge, the attacker too slow) is tried again. */
const RACES = 3;

beforeAll(async () => {
  engine = await testEngine();
  plan = (await upLab(engine, await libraryTopology("dns-local-attack"), { lab, owner: "mallory" }))
    .plan;
  await copyAttacks(engine, lab, "attacker", ["local_spoof.py"]);
}, 180_000);

afterAll(async () => {
  await downLab(engine, lab);
});

const evil = () => addressOf(plan, "attacker", "lan");

/**
 * Starts the spoofer on the attacker (in the background, until it forged one reply or 20 s
 * passed), makes the user look www.example.com up through the resolver, and returns what the
 * user got, after the spoofer's end. A race it lost is run again on an emptied cache.
 */
async function spoofedLookup(mode: "answer" | "referral", server: string): Promise<string> {
  let answer = "";
  for (let race = 1; race <= RACES; race++) {
    await run(engine, lab, "resolver", "rndc flush");
    const spoof = [
      "python3 /root/local_spoof.py",
      `--mode ${mode} --resolver ${addressOf(plan, "resolver", "lan")}`,
      `--server ${addressOf(plan, server, "internet")} --address ${evil()} --timeout 20`,
    ].join(" ");
    await run(
      engine,
      lab,
      "attacker",
      `rm -f /tmp/spoof.log; (${spoof} > /tmp/spoof.log 2>&1; echo "exit $?" >> /tmp/spoof.log) & ` +
        "for i in $(seq 150); do grep -q sniffing /tmp/spoof.log && exit 0; sleep 0.1; done; " +
        "cat /tmp/spoof.log; exit 1",
    );
    answer = (
      await run(engine, lab, "user", "dig +short +time=5 +tries=1 www.example.com A")
    ).trim();
    const log = await run(
      engine,
      lab,
      "attacker",
      "for i in $(seq 250); do grep -q '^exit' /tmp/spoof.log && break; sleep 0.1; done; cat /tmp/spoof.log",
    );
    expect(log).toMatch(/^exit 0$/m); // it saw the resolver's query and forged a reply
    if (answer === evil()) return answer;
  }
  return answer;
}

describe("the dns-local-attack lab", () => {
  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("is poisoned by a sniffed and forged answer: www.example.com is the attacker", async () => {
    expect(await spoofedLookup("answer", "example-ns")).toBe(evil());
    const www = new RegExp(`^www\\.example\\.com\\.\\s+\\d+\\s+(IN\\s+)?A\\s+${evil()}$`, "m");
    expect(await cacheDump(engine, lab)).toMatch(www);
    // A later look-up by the user comes from the poisoned cache.
    expect(await run(engine, lab, "user", "dig +short www.example.com A")).toBe(`${evil()}\n`);
    const passed = Object.fromEntries((await runChecks(engine, lab)).map((r) => [r.id, r.passed]));
    // The answer fooled the user; example.com itself still belongs to its own server.
    expect(passed).toEqual({ "cached-answer": true, "user-fooled": true, "zone-taken": false });
  });

  it("is poisoned by a forged referral from the .com server: example.com is the attacker's", async () => {
    expect(await spoofedLookup("referral", "com-ns")).toBe(evil());
    const dump = await cacheDump(engine, lab);
    expect(dump).toMatch(/^example\.com\.\s+\d+\s+(IN\s+)?NS\s+ns\.attacker32\.com\.$/m);
    // Every name of the zone now comes from the attacker's server, not only www.
    expect(await run(engine, lab, "user", "dig +short mail.example.com A")).toBe(`${evil()}\n`);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
