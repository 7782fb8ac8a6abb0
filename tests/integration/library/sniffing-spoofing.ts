// The sniffing-spoofing lab's reference solution, run on a lab wherever it is placed (this
// engine, or a swarm node: tests/integration/engines/swarm-agents.test.ts): eve captures alice's
// FTP login on the hub-mode LAN, mallory pulls the password out of the pcap and forges a notice
// "from" the FTP server that bob's board logs; then every check passes.
import { expect } from "vitest";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import { expectChecks, shOk, solutionFile } from "./solutions.ts";

export const SNIFFING_SPOOFING_CHECKS = ["capture", "password", "spoofed"];

/** alice's password in the lab: made at random when the lab came up. */
export async function labPassword(engine: Engine, lab: string): Promise<string> {
  return (await readLabRecord(engine, lab))?.values?.password ?? "";
}

export async function solveSniffingSpoofing(engine: Engine, lab: string): Promise<void> {
  const run = (node: string, script: string) => shOk(engine, lab, node, script);
  const solution = (file: string) => solutionFile("sniffing-spoofing", file);
  // eve, passive: tcpdump until ten FTP control packets went by (alice logs in every 3 s).
  await run("eve", "timeout 30 tcpdump -i eth0 -U -c 10 -w /root/ftp.pcap tcp port 21 2>/dev/null");
  expect(
    await run(
      "mallory",
      `cat > /root/sniff.py <<'PY'\n${await solution("sniff_password.py")}\nPY\npython3 /root/sniff.py`,
    ),
  ).toBe(await labPassword(engine, lab));
  await run(
    "mallory",
    `cat > /root/spoof.py <<'PY'\n${await solution("spoof.py")}\nPY\npython3 /root/spoof.py`,
  );
  await run(
    "bob",
    "for i in $(seq 50); do grep -q maintenance /root/notices.log && exit 0; sleep 0.1; done; exit 1",
  );
  await expectChecks(engine, lab, SNIFFING_SPOOFING_CHECKS, true);
}
