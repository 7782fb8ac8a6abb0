// topologies/sniffing-spoofing: every check fails on a fresh lab and passes once the reference
// solution (./sniffing-spoofing.ts: tcpdump on eve, solutions/sniffing-spoofing/*.py on mallory;
// never in the handout) has captured alice's FTP login, pulled her password out of a pcap, and
// forged a notice "from" the FTP server to bob.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { testEngine, uniqueLabId } from "../engine.ts";
import {
  labPassword,
  SNIFFING_SPOOFING_CHECKS,
  solveSniffingSpoofing,
} from "./sniffing-spoofing.ts";
import { expectChecks, expectPassing, libraryTopology, shOk } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsb-sniff");
const CHECKS = SNIFFING_SPOOFING_CHECKS;

const run = (node: string, script: string) => shOk(engine, lab, node, script);

const password = () => labPassword(engine, lab);

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("sniffing-spoofing"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab);
});

describe("the sniffing-spoofing lab", () => {
  it("serves alice's FTP home, with the lab's own password, and bob's notice board", async () => {
    const mine = await password();
    expect(mine).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(await run("alice", `curl -s --max-time 5 -u alice:${mine} ftp://ftp/todo.txt`)).toBe(
      "water the plants",
    );
    await run("alice", "echo 'hello bob' | nc -u -w 1 bob 5140");
    const alice = await run("alice", "hostname -i | cut -d' ' -f1");
    expect(await run("bob", "cat /root/notices.log")).toContain(`from ${alice} port `);
  });

  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("passes every check once the sniffer, the attacker and the spoof have done their work", async () => {
    await solveSniffingSpoofing(engine, lab);
  });

  it("fails the password check with a password that is not this lab's", async () => {
    // The one every lab had when the password was written in the topology.
    await run("mallory", "echo Tulip-7384 > /root/password.txt");
    await expectPassing(engine, lab, CHECKS, ["capture", "spoofed"]);
  });
});
