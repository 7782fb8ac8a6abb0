// topologies/sockets: every check fails on a fresh lab and passes once the reference solution
// (kept here, never in the handout) runs on `server`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { cli, sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-sockets");
const CHECKS = ["tcp-echo", "tcp-half-close", "udp-echo"];

/** The reference solution: TCP (a thread per client, closing after the client's EOF) and UDP. */
const ECHO_SERVER = `
import socket, threading

def serve(conn):
    with conn:
        while data := conn.recv(4096):
            conn.sendall(data)

def udp():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("", 7001))
    while True:
        data, sender = sock.recvfrom(65535)
        sock.sendto(data, sender)

threading.Thread(target=udp, daemon=True).start()
listener = socket.create_server(("", 7000))
while True:
    conn, _ = listener.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
`;

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("sockets"), { lab, owner: "erin" });
});

afterAll(async () => {
  await downLab(engine, lab);
});

describe("the sockets lab", () => {
  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("passes every check once the reference echo servers run on server", async () => {
    const started = await sh(
      engine,
      lab,
      "server",
      `cat > /root/echo.py <<'PY'\n${ECHO_SERVER}\nPY
nohup python3 /root/echo.py >/root/echo.log 2>&1 &
for i in $(seq 100); do ss -ltn | grep -q ':7000 ' && ss -lun | grep -q ':7001 ' && exit 0; sleep 0.1; done
cat /root/echo.log; exit 1`,
    );
    expect(started.exitCode, started.stdout).toBe(0);
    await expectChecks(engine, lab, CHECKS, true);
    // The student's view: `socketlab check` in a process of its own, exit status 0 as all pass.
    const result = await cli(["check", lab]);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain("3 of 3 passed\n");
  });
});
