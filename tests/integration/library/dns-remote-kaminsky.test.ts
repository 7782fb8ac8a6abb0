// topologies/dns-remote-kaminsky: every check fails on a fresh lab and passes after the reference
// attack (attacks/kaminsky.py, never in the handout), a blind Kaminsky attack from the attacker
// node: trigger queries for names nobody asked before, and floods of forged referrals with
// guessed ids to the resolver's fixed query port. Two instances run side by side, as two
// students' labs: the attack in one leaves the other's cache clean. Then, in the second one,
// each defence the lab turned off is turned back on alone, and the same attack fails: DNS
// COOKIE and a random source port through the topology (the resolver is recreated), DNSSEC by
// signing the lab's zones at run time with keys of their own (attacks/sign-zone.sh).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../../../orchestrator/src/labs/checks.ts";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import { zoneFilePath } from "../../../orchestrator/src/roles/dns/named-conf.ts";
import type { DnsConfig } from "../../../orchestrator/src/roles/dns/schema.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import type { Topology } from "../../../orchestrator/src/topology/model.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { addressOf, cacheDump, copyAttacks, run } from "./attacks/nodes.ts";
import { expectChecks, libraryTopology } from "./solutions.ts";

let engine: Engine;
let topology: Topology;
/** Two students' instances of the lab: `mallory` attacks hers, `bob`'s is the one beside it. */
const labs = { mallory: uniqueLabId("it-dnsatk-kam"), bob: uniqueLabId("it-dnsatk-kam") };
const plans: Record<string, LabPlan> = {};
const CHECKS = ["delegation", "user-fooled"];
/** The resolver's fixed query port in the topology. */
const QUERY_PORT = 33333;
/**
 * Bounds of one attack. Undefended, it was seen to win after 1 to 15 tries (4 to 8 s, on a
 * loaded 2-core machine): the wide bound keeps a slow machine from failing the proof. A defended
 * resolver gets the same attack for 40 tries, some 15,000 forged replies each: about nine times
 * the whole id space in all.
 */
const UNDEFENDED = { tries: 150, seconds: 90 };
const DEFENDED = { tries: 40, seconds: 30 };
/** A delegation to the attacker's server, of example.com or of a name in it, in a cache dump. */
const POISON = /^([a-z0-9-]+\.)*example\.com\.\s+\d+\s+(IN\s+)?NS\s+ns\.attacker32\.com\.$/m;

beforeAll(async () => {
  engine = await testEngine();
  topology = await libraryTopology("dns-remote-kaminsky");
  await Promise.all(
    Object.entries(labs).map(async ([owner, lab]) => {
      plans[lab] = (await upLab(engine, topology, { lab, owner })).plan;
      await copyAttacks(engine, lab, "attacker", ["kaminsky.py"]);
    }),
  );
}, 240_000);

afterAll(async () => {
  await Promise.all(Object.values(labs).map((lab) => downLab(engine, lab)));
});

function planOf(lab: string): LabPlan {
  const plan = plans[lab];
  if (!plan) throw new Error(`no plan for ${lab}`);
  return plan;
}

const evil = (lab: string) => addressOf(planOf(lab), "attacker", "lan");

/** The reference attack from `lab`'s attacker node, within `bounds`; its exit status and output. */
function attack(lab: string, bounds: { tries: number; seconds: number }) {
  const plan = planOf(lab);
  const command = [
    "python3 /root/kaminsky.py",
    `--resolver ${addressOf(plan, "resolver", "lan")}`,
    `--server ${addressOf(plan, "example-ns", "internet")}`,
    `--port ${QUERY_PORT} --tries ${bounds.tries} --seconds ${bounds.seconds}`,
  ].join(" ");
  // The exec's own limit is above the script's, so a bound reached is the script's answer.
  return sh(engine, lab, "attacker", command, (bounds.seconds + 60) * 1000);
}

/** Brings bob's lab in line with the topology with one change to its resolver's settings. */
async function withResolver(change: (config: DnsConfig) => void) {
  const changed = structuredClone(topology);
  const resolver = changed.nodes.find((n) => n.name === "resolver");
  if (!resolver) throw new Error("the topology has no resolver");
  change(resolver.config as DnsConfig);
  const { report } = await upLab(engine, changed, { lab: labs.bob, owner: "bob" });
  expect(report.recreated).toEqual(["resolver"]);
}

describe("the dns-remote-kaminsky lab", () => {
  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, labs.mallory, CHECKS, false);
  });

  it("is poisoned by a blind attack, and the lab beside it is not", async () => {
    const result = await attack(labs.mallory, UNDEFENDED);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    console.log(`kaminsky, undefended: ${result.stdout.trim()}`);
    expect(await cacheDump(engine, labs.mallory)).toMatch(POISON);
    const dig = await run(engine, labs.mallory, "user", "dig +short www.example.com A");
    expect(dig).toBe(`${evil(labs.mallory)}\n`);
    await expectChecks(engine, labs.mallory, CHECKS, true);

    // Bob's instance, same topology, same host parts, up all along: untouched.
    expect(await cacheDump(engine, labs.bob)).not.toMatch(/attacker32/);
    await expectChecks(engine, labs.bob, CHECKS, false);
  });

  describe("each defence, turned back on alone, stops the same attack", () => {
    it("DNS COOKIE: forged replies without the server's cookie are refused", async () => {
      await withResolver((config) => {
        config.cookies.send = true;
      });
      const result = await attack(labs.bob, DEFENDED);
      console.log(`kaminsky, cookies on: ${result.stdout.trim()}`);
      expect(result.exitCode, result.stdout + result.stderr).toBe(1);
      expect(await cacheDump(engine, labs.bob)).not.toMatch(POISON);
      // Forged replies did guess an id, and were refused for it: the attack ran, the cookie won.
      const log = await run(engine, labs.bob, "resolver", "cat /var/log/named/named.log");
      expect(log).toMatch(/missing expected cookie/);
    });

    it("source port randomisation: forged replies to the old port find no query", async () => {
      await withResolver((config) => {
        if (!config.recursion) throw new Error("the resolver does not recurse");
        config.recursion.querySourcePort = null;
      });
      const result = await attack(labs.bob, DEFENDED);
      console.log(`kaminsky, random source port: ${result.stdout.trim()}`);
      expect(result.exitCode, result.stdout + result.stderr).toBe(1);
      expect(await cacheDump(engine, labs.bob)).not.toMatch(POISON);
    });

    it("DNSSEC validation: a forged delegation fails validation, the user is never redirected", async () => {
      await withResolver(() => {}); // the topology's resolver again: no DNSSEC, fixed port
      await signHierarchy(labs.bob);
      // Validation is real: the resolver vouches for example.com's data (the `ad` flag). Its
      // fixed query port loses some of the answers to validation's parallel look-ups (bind 9.18,
      // PLATFORM.md), which can end one lookup in SERVFAIL: a few tries, from a clean cache.
      const validated = /^;; flags: qr rd ra ad;/m;
      let signed = "";
      for (let tries = 0; tries < 4 && !validated.test(signed); tries++) {
        if (tries > 0) await run(engine, labs.bob, "resolver", "rndc flush");
        signed = (await sh(engine, labs.bob, "user", "dig +dnssec example.com SOA")).stdout;
      }
      expect(signed).toMatch(validated);
      await run(engine, labs.bob, "resolver", "rndc flush");

      const result = await attack(labs.bob, DEFENDED);
      console.log(`kaminsky, DNSSEC: ${result.stdout.trim()}`);
      // The race may well be won (the forged referral lands in the cache), but the delegation is
      // unsigned where example.com's DS says it must be signed: SERVFAIL, never the attacker.
      const dig = await run(engine, labs.bob, "user", "dig +time=5 www.example.com A");
      expect(dig).not.toContain(evil(labs.bob));
      expect(dig).toMatch(/status: (SERVFAIL|NOERROR)/);
      const passed = await runChecks(engine, labs.bob);
      expect(passed.find((c) => c.id === "user-fooled")?.passed).toBe(false);
      if (result.exitCode === 0) {
        const log = await run(engine, labs.bob, "resolver", "cat /var/log/named/named.log");
        expect(log).toMatch(/insecurity proof failed|broken trust chain/);
      }
    });
  });
});

/**
 * Signs bob's hierarchy with keys of its own, bottom up (example.com, com, the root: each
 * parent publishes its child's DS), and makes the resolver validate with the lab's root key.
 */
async function signHierarchy(lab: string) {
  const sign = async (node: string, zone: string, childDs: string | null) => {
    await copyAttacks(engine, lab, node, ["sign-zone.sh"]);
    const ds = childDs === null ? "" : ` '${childDs}'`;
    const out = await run(
      engine,
      lab,
      node,
      `sh /root/sign-zone.sh ${zone} ${zoneFilePath(zone)}${ds}`,
    );
    const [dsRecord, dnskey] = out.trim().split("\n");
    if (!dsRecord || !dnskey) throw new Error(`${node}: sign-zone.sh printed ${out}`);
    return { ds: dsRecord, dnskey };
  };
  const example = await sign("example-ns", "example.com", null);
  const com = await sign("com-ns", "com", example.ds);
  const root = await sign("root", ".", com.ds);
  await copyAttacks(engine, lab, "resolver", ["trust-anchor.sh"]);
  await run(engine, lab, "resolver", `sh /root/trust-anchor.sh '${root.dnskey}'`);
}
