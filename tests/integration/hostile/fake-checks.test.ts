// A hostile student, root on every node of their lab, replaces dig, curl, nc and sh there and
// writes the files the checks read: the checks run from the probe still report the truth (they
// fail before the work is done, pass after it, whatever the nodes' tools say), and only the check
// that runs inside a node is fooled, and is marked as such. The probe is no node of the lab and
// is gone after each run. Each lab has its own flag: a classmate's does not pass.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CheckResult, runChecks } from "../../../orchestrator/src/labs/checks.ts";
import { downLab, runningNode, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import { PROBE_LABEL } from "../../../orchestrator/src/plan/probe.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import type { Topology } from "../../../orchestrator/src/topology/model.ts";
import { fixture, nodeContainerId, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let topology: Topology;
const lab = uniqueLabId("it-fake");
const classmate = uniqueLabId("it-fake");

/** bash, not sh: the student replaces /bin/sh. As root, as the student is. */
async function bash(target: string, node: string, script: string) {
  const container = await nodeContainerId(engine, target, node);
  const result = await execCapture(engine, container, ["/bin/bash", "-c", script], {
    timeoutMs: 30_000,
  });
  if (result.exitCode !== 0) throw new Error(`${node}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

const byId = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

async function flagOf(target: string): Promise<string> {
  return (await readLabRecord(engine, target))?.values?.flag ?? "";
}

/** What a student who knows their lab's checks (their topology is public) does to fake them. */
const FAKES = `
  flag=$(cat /root/flag.txt 2>/dev/null || echo "$FLAG")
  web=$(getent hosts web | cut -d' ' -f1)
  printf '#!/bin/bash\\necho %s\\n' "$web" > /usr/bin/dig
  printf '#!/bin/bash\\necho %s\\n' "$flag" > /usr/bin/curl
  printf '#!/bin/bash\\nexec cat\\n' > /bin/nc.openbsd
  printf '%s\\n' "$flag" > /root/notes.txt
  chmod 755 /usr/bin/dig /usr/bin/curl /bin/nc.openbsd
  # Last: every sh -c in this node now succeeds without doing anything.
  rm -f /bin/sh && printf '#!/bin/bash\\nexit 0\\n' > /bin/sh && chmod 755 /bin/sh
`;

beforeAll(async () => {
  engine = await testEngine();
  topology = await fixture("fake-checks.yaml");
  await Promise.all([
    upLab(engine, topology, { lab, owner: "mallory" }),
    upLab(engine, topology, { lab: classmate, owner: "alice" }),
  ]);
});

afterAll(async () => {
  await Promise.all([lab, classmate].map((id) => downLab(engine, id).catch(() => {})));
});

describe("a student who fakes every check in their nodes", () => {
  it("gets a flag of their own, unlike their classmate's, in the node's files", async () => {
    const [mine, theirs] = await Promise.all([flagOf(lab), flagOf(classmate)]);
    expect(mine).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(theirs).toMatch(/^[A-Za-z0-9]{24}$/);
    expect(mine).not.toBe(theirs);
    expect((await bash(lab, "web", "cat /root/flag.txt")).trim()).toBe(mine);
  });

  it("fools only the check that runs inside a node: the probe's see nothing done", async () => {
    const flag = await flagOf(lab);
    for (const node of ["dns", "web", "client"]) {
      await bash(lab, node, `export FLAG='${flag}'\n${FAKES}`);
    }
    // The fakes work in the nodes: the student's own tools now say what a check wants to hear.
    expect((await bash(lab, "client", "dig +short @dns www.example.com")).trim()).toMatch(/\.80$/);
    expect((await bash(lab, "client", "curl http://web:8000/flag.txt")).trim()).toBe(flag);

    const results = byId(await runChecks(engine, lab));
    expect(results.notes).toMatchObject({ vantage: "node", node: "client", passed: true });
    for (const id of ["www-is-web", "flag-served", "echo"]) {
      expect(results[id], id).toMatchObject({ vantage: "probe", node: null, passed: false });
    }
  });

  it("passes the probe's checks once the work is really done, their tools still broken", async () => {
    const flag = await flagOf(lab);
    // www -> web in the zone, reloaded.
    await bash(
      lab,
      "dns",
      `web=$(getent hosts web | cut -d' ' -f1)
       sed -i -E "s/^(www[[:space:]].*A[[:space:]]+).*/\\1$web/" /etc/bind/zones/db.example.com
       rndc reload example.com`,
    );
    await bash(
      lab,
      "web",
      "cd /root && setsid python3 -m http.server 8000 </dev/null >/dev/null 2>&1 &",
    );
    await bash(
      lab,
      "client",
      `setsid python3 -c '
import socketserver
class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            self.wfile.write(line)
socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer(("", 7000), Echo).serve_forever()
' </dev/null >/dev/null 2>&1 &`,
    );
    await expect
      .poll(async () => byId(await runChecks(engine, lab))["flag-served"]?.passed, {
        timeout: 20_000,
        interval: 1000,
      })
      .toBe(true);
    const results = byId(await runChecks(engine, lab));
    for (const id of ["www-is-web", "flag-served", "echo"]) {
      expect(results[id], `${id}: ${results[id]?.output}`).toMatchObject({ passed: true });
    }
    expect(flag).not.toBe(await flagOf(classmate));
  });

  it("fails the flag check when the page holds a classmate's flag", async () => {
    const theirs = await flagOf(classmate);
    await bash(lab, "web", `printf '%s\\n' '${theirs}' > /root/flag.txt`);
    expect(byId(await runChecks(engine, lab))["flag-served"]).toMatchObject({ passed: false });
  });

  it("never sees the probe: it is no node of the lab, and it is gone after each run", async () => {
    const record = await readLabRecord(engine, lab);
    expect(record?.nodes.map((n) => n.name).sort()).toEqual(["client", "dns", "web"]);
    await expect(runningNode(engine, lab, "probe")).rejects.toThrow("has no node 'probe'");
    const left = await engine.containers.list({ all: true, labels: [`${PROBE_LABEL}=${lab}`] });
    expect(left).toEqual([]);
  });
});
