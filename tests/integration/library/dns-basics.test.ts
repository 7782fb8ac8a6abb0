// topologies/dns-basics: every check fails on a fresh lab and passes once the reference solution
// (kept here, never in the handout) ran on `client`: a raw DNS client, and the King method.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { sh, testEngine, uniqueLabId } from "../engine.ts";
import { expectChecks, libraryTopology } from "./solutions.ts";

let engine: Engine;
const lab = uniqueLabId("it-dns-basics");
const CHECKS = ["raw-query", "www-address", "farther"];

/** Task 2: a query for NAME's A records, recursion not desired, and the answer section's A. */
const QUERY_PY = `
import random, socket, struct, sys

server, name = sys.argv[1], sys.argv[2]
question = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split("."))
question += b"\\0" + struct.pack("!HH", 1, 1)
query = struct.pack("!HHHHHH", random.randrange(65536), 0, 1, 0, 0, 0) + question
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(2)
for attempt in range(4):  # UDP: a query or its answer may be lost; ask again
    sock.sendto(query, (server, 53))
    try:
        reply, _ = sock.recvfrom(4096)
        break
    except TimeoutError:
        if attempt == 3:
            raise
answers = struct.unpack("!H", reply[6:8])[0]
pos = 12 + len(question)
for _ in range(answers):
    while reply[pos] != 0 and reply[pos] < 0xC0:
        pos += 1 + reply[pos]
    pos += 2 if reply[pos] >= 0xC0 else 1
    rtype, _, _, length = struct.unpack("!HHIH", reply[pos : pos + 10])
    pos += 10
    if rtype == 1:
        print(socket.inet_ntoa(reply[pos : pos + 4]))
    pos += length
`;

/** Task 4: the median round trip of a query each server answers at once (the root's NS). */
const KING_PY = `
import socket, statistics, time

QUERY = bytes.fromhex("123400000001000000000000" "00" "00020001")

def rtt(server):
    times = []
    while len(times) < 7:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.settimeout(2)
        start = time.monotonic()
        sock.sendto(QUERY, (server, 53))
        try:
            sock.recvfrom(4096)
        except TimeoutError:  # a lost query measures nothing
            continue
        times.append((time.monotonic() - start) * 1000)
    return statistics.median(times)

tld, auth = rtt("tld"), rtt("auth")
print(f"{tld:.0f} {auth:.0f}")
with open("/root/answers.txt", "a") as answers:
    answers.write(f"farther={'auth' if auth > tld else 'tld'}\\n")
`;

beforeAll(async () => {
  engine = await testEngine();
  await upLab(engine, await libraryTopology("dns-basics"), { lab, owner: "erin" });
});

afterAll(async () => {
  await downLab(engine, lab);
});

const onClient = (script: string) => sh(engine, lab, "client", script);

describe("the dns-basics lab", () => {
  it("fails every check on a fresh lab", async () => {
    await expectChecks(engine, lab, CHECKS, false);
  });

  it("passes every check after the reference solution", async () => {
    const written = await onClient(`cat > /root/query.py <<'PY'\n${QUERY_PY}\nPY`);
    expect(written.exitCode).toBe(0);
    const www = await onClient("python3 /root/query.py auth www.example.com");
    expect(www.stdout, www.stderr).toMatch(/^\d+\.\d+\.\d+\.80\n$/);
    await onClient(`printf 'www=%s\\n' ${www.stdout.trim()} > /root/answers.txt`);

    const king = await onClient(
      `cat > /root/king.py <<'PY'\n${KING_PY}\nPY\npython3 /root/king.py`,
    );
    expect(king.exitCode, king.stderr).toBe(0);
    // The lab is about this delay: the router holds what goes to auth 100 ms (a loose bound).
    const [, auth] = king.stdout.trim().split(" ").map(Number);
    expect(auth).toBeGreaterThanOrEqual(80);

    await expectChecks(engine, lab, CHECKS, true);
  });
});
