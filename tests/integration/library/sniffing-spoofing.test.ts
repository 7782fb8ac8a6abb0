// topologies/sniffing-spoofing: every check fails on a fresh lab and passes once the reference
// solution (tcpdump on eve, solutions/sniffing-spoofing/*.py on mallory; never in the handout)
// has captured alice's FTP login, pulled her password out of a pcap, and forged a notice "from"
// the FTP server to bob.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import { testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, expectPassing, libraryTopology, shOk, solutionFile } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsb-sniff");
const CHECKS = ["capture", "password", "spoofed"];
const solution = (file: string) => solutionFile("sniffing-spoofing", file);

const run = (node: string, script: string) => shOk(engine, lab, node, script);

/** alice's password in this lab: made at random when the lab came up. */
async function password(): Promise<string> {
  return (await readLabRecord(engine, lab))?.values?.password ?? "";
}

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
    // eve, passive: tcpdump until ten FTP control packets went by (alice logs in every 3 s).
    await run(
      "eve",
      "timeout 30 tcpdump -i eth0 -U -c 10 -w /root/ftp.pcap tcp port 21 2>/dev/null",
    );
    expect(
      await run(
        "mallory",
        `cat > /root/sniff.py <<'PY'\n${await solution("sniff_password.py")}\nPY\npython3 /root/sniff.py`,
      ),
    ).toBe(await password());
    await run(
      "mallory",
      `cat > /root/spoof.py <<'PY'\n${await solution("spoof.py")}\nPY\npython3 /root/spoof.py`,
    );
    await run(
      "bob",
      "for i in $(seq 50); do grep -q maintenance /root/notices.log && exit 0; sleep 0.1; done; exit 1",
    );
    await expectChecks(engine, lab, CHECKS, true);
  });

  it("fails the password check with a password that is not this lab's", async () => {
    // The one every lab had when the password was written in the topology.
    await run("mallory", "echo Tulip-7384 > /root/password.txt");
    await expectPassing(engine, lab, CHECKS, ["capture", "spoofed"]);
  });
});
