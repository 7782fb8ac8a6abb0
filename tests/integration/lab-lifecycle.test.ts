// One lab through its whole life on the real engine: up, reachability by name, a second up that
// changes nothing, a node reset, what a fresh process sees, exec through the CLI, and down.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, resetNodes, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import type { Topology } from "../../orchestrator/src/topology/model.ts";
import { cli, docker, fixture, labObjects, sh, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
let topology: Topology;
const lab = uniqueLabId("it-life");

beforeAll(async () => {
  engine = await testEngine();
  topology = await fixture("three-nodes.yaml");
});

afterAll(async () => {
  await downLab(engine, lab);
});

describe("a three-node, two-network lab", () => {
  let addresses: Record<string, Record<string, string>>;

  it("comes up with every node running, host parts kept", async () => {
    const { plan, report } = await upLab(engine, topology, { lab, owner: "alice" });
    expect(report.created.sort()).toEqual(["alpha", "beta", "gamma"]);
    addresses = Object.fromEntries(
      plan.nodes.map((n) => [
        n.name,
        Object.fromEntries(n.endpoints.map((e) => [e.network, e.address])),
      ]),
    );
    expect(addresses.alpha?.front).toMatch(/\.10$/);
    expect(addresses.beta?.back).toMatch(/\.20$/);
    const inventory = await labInventory(engine, lab);
    expect(inventory.containers.map((c) => c.state)).toEqual(["running", "running", "running"]);
  });

  it("ran the start commands and put the topology's files in place", async () => {
    const result = await sh(
      engine,
      lab,
      "beta",
      "cat /etc/socketlab-fixture /var/tmp/started-by-start-command",
    );
    expect(result.stdout).toBe("from the topologystarted\n");
  });

  it("lets nodes reach each other by name over the networks they share", async () => {
    const alphaToBeta = await sh(engine, lab, "alpha", "ping -c 1 -W 2 beta");
    expect(alphaToBeta.exitCode).toBe(0);
    expect(alphaToBeta.stdout).toContain(addresses.beta?.front);
    const betaToGamma = await sh(engine, lab, "beta", "ping -c 1 -W 2 gamma");
    expect(betaToGamma.exitCode).toBe(0);
    expect(betaToGamma.stdout).toContain(addresses.gamma?.back);
  });

  it("keeps nodes apart that share no network", async () => {
    const alphaToGamma = await sh(engine, lab, "alpha", "ping -c 1 -W 2 gamma");
    expect(alphaToGamma.exitCode).not.toBe(0);
    const gammaToAlpha = await sh(engine, lab, "gamma", `ping -c 1 -W 2 ${addresses.alpha?.front}`);
    expect(gammaToAlpha.exitCode).not.toBe(0);
  });

  it("changes nothing on a second up", async () => {
    const before = await labInventory(engine, lab);
    const { report } = await upLab(engine, topology, { lab, owner: "alice" });
    expect(report).toEqual({
      created: [],
      recreated: [],
      started: [],
      unchanged: expect.arrayContaining(["alpha", "beta", "gamma"]),
      removed: [],
    });
    const after = await labInventory(engine, lab);
    expect(after.containers.map((c) => c.id).sort()).toEqual(
      before.containers.map((c) => c.id).sort(),
    );
    expect(after.networks.map((n) => n.id).sort()).toEqual(before.networks.map((n) => n.id).sort());
  });

  it("refuses an up for another owner, and leaves the lab alone", async () => {
    await expect(upLab(engine, topology, { lab, owner: "mallory" })).rejects.toThrow(
      /belongs to 'alice'/,
    );
    expect((await labInventory(engine, lab)).containers).toHaveLength(3);
  });

  it("resets a node to a pristine file system with the same addresses", async () => {
    await sh(engine, lab, "beta", "echo scribble > /root/scribble && rm /etc/socketlab-fixture");
    const oldId = (await labInventory(engine, lab)).containers.find((c) => c.name === "beta")?.id;
    const report = await resetNodes(engine, lab, ["beta"]);
    expect(report.created).toEqual(["beta"]);
    const beta = (await labInventory(engine, lab)).containers.find((c) => c.name === "beta");
    expect(beta?.id).not.toBe(oldId);
    const check = await sh(
      engine,
      lab,
      "beta",
      "test ! -e /root/scribble && cat /etc/socketlab-fixture && hostname -I",
    );
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toContain("from the topology");
    expect(check.stdout).toContain(addresses.beta?.front);
    expect(check.stdout).toContain(addresses.beta?.back);
  });

  it("rebuilds a node that was removed from outside", async () => {
    const gamma = (await labInventory(engine, lab)).containers.find((c) => c.name === "gamma");
    await docker.getContainer(gamma?.id as string).remove({ force: true });
    const status = await cli(["status", lab, "--json"]);
    expect(
      JSON.parse(status.stdout).nodes.find((n: { name: string }) => n.name === "gamma").state,
    ).toBe("missing");
    expect(JSON.parse(status.stdout).state).toBe("degraded");
    await resetNodes(engine, lab, ["gamma"]);
    expect((await sh(engine, lab, "beta", "ping -c 1 -W 2 gamma")).exitCode).toBe(0);
  });

  it("resets the whole lab when no node is named", async () => {
    await sh(engine, lab, "alpha", "touch /root/scribble");
    const report = await resetNodes(engine, lab, []);
    expect(report.created.sort()).toEqual(["alpha", "beta", "gamma"]);
    expect((await sh(engine, lab, "alpha", "test -e /root/scribble")).exitCode).toBe(1);
    expect((await sh(engine, lab, "alpha", "ping -c 1 -W 2 beta")).exitCode).toBe(0);
  });

  it("is seen whole by a fresh process", async () => {
    const ls = await cli(["ls", "--json"]);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout)).toContainEqual({
      lab,
      owner: "alice",
      topology: "three-nodes",
      state: "running",
      nodes: 3,
      running: 3,
    });
    const status = await cli(["status", lab, "--json"]);
    const parsed = JSON.parse(status.stdout);
    expect(
      parsed.nodes.map((n: { name: string; addresses: unknown }) => [n.name, n.addresses]),
    ).toEqual(Object.entries(addresses));
  });

  it("passes a command's exit status and output through socketlab exec", async () => {
    const result = await cli([
      "exec",
      lab,
      "gamma",
      "--",
      "sh",
      "-c",
      "echo out; echo err >&2; exit 7",
    ]);
    expect(result).toEqual({ code: 7, stdout: "out\n", stderr: "err\n" });
    // Under a terminal (script(1) provides one) the command gets a TTY of its own.
    const tty = await cli(["exec", lab, "gamma", "--", "tty"], { underTerminal: true });
    // script(1), whose input is empty here, at times passes a NUL on, which the node's TTY
    // echoes as ^@ around the output when it arrives before the command ends.
    expect(tty.stdout.replace(/\^@|\0/g, "")).toMatch(/^\/dev\/pts\/\d+\r*\n$/);
    const unknown = await cli(["exec", lab, "delta", "--", "true"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("has no node 'delta'");
  });

  it("leaves nothing behind after down", async () => {
    const down = await cli(["down", lab]);
    expect(down.code).toBe(0);
    expect(await labObjects(engine, lab)).toEqual({ containers: [], networks: [], volumes: [] });
    expect((await cli(["status", lab])).code).toBe(1);
  });
});
