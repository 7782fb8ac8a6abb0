// Attack: reach the host from a lab node after the engine restarted (a reboot's effect: iptables
// flushed, dockerd restarted, every node started again by its restart policy before any service
// put rules back). The student's node runs a probe from its start commands, trying the host's
// HTTP service at its bridge's gateway every 0.2 s. On an extra engine in a network namespace of
// its own (the only place this test flushes iptables and restarts dockerd): the probe never gets
// through, before or after the restart, nodes run nothing until their lab's rules are back, and
// the sniffable network is a hub again. A last step takes the rules away by hand while the probe
// runs, to show that it does see the host when nothing stops it.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../../orchestrator/src/api/app.ts";
import { bridgeName } from "../../../orchestrator/src/plan/naming.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { labInventory } from "../../../orchestrator/src/runtime/inventory.ts";
import {
  destroyExtraEngines,
  type ExtraEngine,
  startExtraEngines,
} from "../../../support/extra-engines.ts";
import { apiRequest } from "../../support/api.ts";
import { studentLab } from "./engine-lab.ts";

const run = promisify(execFile);
const id = randomBytes(2).toString("hex");
const topology = `it-reboot-${id}`;
const PORT = 18080 + (Number.parseInt(id, 16) % 1000);
let extra: ExtraEngine;
let app: App;
let server: ReturnType<typeof spawn> | undefined;
let student = "";
let lab = "";

const PROBE = `bash -c 'gw=$(ip route | awk "/^default/ {print \\$3}"); while :; do if curl -s -m 1 -o /dev/null http://$gw:${PORT}/; then date +%s.%N >> /var/tmp/reached; fi; sleep 0.2; done' >/dev/null 2>&1 &`;
// Beside the probe, from the same start commands: a heartbeat every 0.1 s, which says they ran.
const HEARTBEAT =
  "sh -c 'while :; do touch /var/tmp/probe-beat; sleep 0.1; done' >/dev/null 2>&1 &";

const YAML = `name: ${topology}
networks:
  lan: { subnet: 10.9.0.0/24, sniffable: true }
nodes:
  probe:
    image: socketlab/base:latest
    networks: { lan: .2 }
    start:
      - ${JSON.stringify(PROBE)}
      - ${JSON.stringify(HEARTBEAT)}
`;

/** A command in the extra engine's network namespace: its "host". */
const inHost = (...command: string[]) =>
  run("nsenter", [`--net=/run/netns/${extra.netns}`, ...command]);

async function probeContainer(): Promise<string> {
  const node = (await labInventory(extra.engine, lab)).containers.find((c) => c.name === "probe");
  if (!node) throw new Error("no probe node");
  return node.id;
}

/** How many times the probe reached the host's service. */
async function reached(): Promise<number> {
  const result = await execCapture(extra.engine, await probeContainer(), [
    "sh",
    "-c",
    "cat /var/tmp/reached 2>/dev/null | wc -l",
  ]);
  return Number(result.stdout.trim());
}

/** Whether the node's start commands ran: the heartbeat comes back within a second of being removed. */
async function probeRuns(): Promise<boolean> {
  const result = await execCapture(extra.engine, await probeContainer(), [
    "sh",
    "-c",
    "rm -f /var/tmp/probe-beat; sleep 1; [ -e /var/tmp/probe-beat ] && echo yes || echo no",
  ]);
  return result.stdout.trim() === "yes";
}

const ageingTime = async (bridge: string) =>
  Number(/ageing_time (\d+)/.exec((await inHost("ip", "-d", "link", "show", bridge)).stdout)?.[1]);

beforeAll(async () => {
  [extra] = (await startExtraEngines(
    [`r${id}`],
    ["socketlab/host-guard:latest", "socketlab/base:latest"],
  )) as [ExtraEngine];
  // The host's service: anything listening on every address of the host.
  server = spawn(
    "nsenter",
    [
      `--net=/run/netns/${extra.netns}`,
      "python3",
      "-m",
      "http.server",
      String(PORT),
      "--bind",
      "0.0.0.0",
    ],
    { stdio: "ignore", cwd: tmpdir() },
  );
  for (let i = 0; i < 50; i++) {
    if (
      await inHost("curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${PORT}/`).then(
        () => true,
        () => false,
      )
    )
      break;
    await sleep(100);
  }
  ({ app, student, lab } = await studentLab(extra.engine, topology, YAML));
}, 600_000);

afterAll(async () => {
  server?.kill();
  await app?.close();
  if (extra) await destroyExtraEngines([extra]);
}, 300_000);

describe("a lab node after its engine restarted with iptables flushed", () => {
  it("never reaches the host's service, runs nothing before its rules are back, and is a hub again", async () => {
    const bridge = bridgeName(lab, "lan");
    // The probe runs and the host's service answers at the gateway, but not to the lab.
    expect(await probeRuns()).toBe(true);
    await sleep(2000);
    expect(await reached()).toBe(0);
    expect(await ageingTime(bridge)).toBe(0);

    // A reboot's effect: the engine and its nodes stop, the host's rules and the bridge's hub
    // mode are gone; then dockerd starts again.
    await extra.stop();
    await inHost("iptables", "-F");
    await inHost("ip6tables", "-F");
    await inHost("ip", "link", "set", bridge, "type", "bridge", "ageing_time", "30000");
    await extra.start();

    // Docker started the node again by itself; it runs nothing of the lab's yet, and a student's
    // shell is refused; the guard's catch-all is back, IPv4 and IPv6.
    for (let i = 0; i < 100 && (await extra.docker.listContainers()).length < 2; i++)
      await sleep(100);
    await sleep(3000);
    expect(await probeRuns()).toBe(false);
    for (const tool of ["iptables", "ip6tables"]) {
      expect((await inHost(tool, "-S", "INPUT")).stdout).toContain("-A INPUT -i sl+ -j DROP");
    }
    const terminal = await execCapture(extra.engine, await probeContainer(), [
      "sh",
      "-c",
      "[ -e /run/socketlab-gate/open ] && echo open || echo shut",
    ]);
    expect(terminal.stdout.trim()).toBe("shut");

    // The service's sweep (as at its start, or when an engine comes back) puts the lab's rules
    // back and lets the node run.
    await app.sweeper.sweep();
    for (let i = 0; i < 100 && !(await probeRuns()); i++) await sleep(100);
    expect(await probeRuns()).toBe(true);
    await sleep(3000);
    expect(await reached()).toBe(0);
    expect(await ageingTime(bridge)).toBe(0);
    const status = await apiRequest(app, "GET", `/api/labs/${lab}`, student);
    expect(status.json().state).toBe("running");

    // The probe is real: with the host's rules taken away by hand, it gets through.
    await inHost("iptables", "-F", "INPUT");
    for (let i = 0; i < 50 && (await reached()) === 0; i++) await sleep(200);
    expect(await reached()).toBeGreaterThan(0);
  });
});
