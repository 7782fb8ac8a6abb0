// topologies/p2p-game: the router's delay shows in a ping across it, and every check fails on a
// fresh lab and passes once the reference peers (solutions/p2p-game/*.py, never in the handout)
// have measured the round trip and played 50 turns in lockstep through the router's loss.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology, shOk, solutionFile } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-labsb-p2p");
const CHECKS = ["rtt", "ack", "lockstep"];
/** The router delays what it sends each way by 50 ms (topology.yaml). */
const CONFIGURED_RTT_MS = 100;
const solution = (file: string) => solutionFile("p2p-game", file);

const run = (node: string, script: string) => shOk(engine, lab, node, script);

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("p2p-game"), { lab, owner: "erin" });
});

afterAll(async () => {
  if (engine) await downLab(engine, lab);
});

describe("the p2p-game lab", () => {
  it("delays a ping across the router by the configured round trip at least", async () => {
    // -i 0.2 with 10 pings: the router drops 2% each way, so a few may be lost.
    const ping = await run("p1", "ping -n -c 10 -i 0.2 -W 2 p2 | tail -n 1");
    const min = Number(/= ([0-9.]+)\//.exec(ping)?.[1]);
    expect(min, ping).toBeGreaterThanOrEqual(CONFIGURED_RTT_MS * 0.95);
  });

  it("echoes UDP on p2 for p1", async () => {
    await run(
      "p1",
      "for try in 1 2 3 4 5; do echo hi | nc -u -w 1 p2 6000 | grep -qx hi && exit 0; done; exit 1",
    );
  });

  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("passes every check once the reference peers have played", async () => {
    await run(
      "p2",
      `cat > /root/peer.py <<'PY'\n${await solution("peer.py")}\nPY
nohup python3 /root/peer.py >/root/peer.log 2>&1 &
for i in $(seq 50); do ss -lun | grep -q ':7000 ' && exit 0; sleep 0.1; done; exit 1`,
    );
    const rtt = Number(
      await run(
        "p1",
        `cat > /root/player.py <<'PY'\n${await solution("player.py")}\nPY\npython3 /root/player.py`,
      ),
    );
    expect(rtt).toBeGreaterThanOrEqual(CONFIGURED_RTT_MS * 0.95);
    await expectChecks(engine, lab, CHECKS, true);
  });
});
