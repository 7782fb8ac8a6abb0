// What a lab node must not reach on the host it runs on: the socketlab service's API (listening
// on every address here, as a careless deployment would), the Docker engine (no socket inside any
// node; its TCP ports closed), any common port of its network's gateway, and anything the host
// would forward to. Each probe has a control showing that the same probe succeeds where traffic
// is allowed, so a failure means isolation, not a broken probe. No traffic goes anywhere but to
// the host, a container of this test on it, and the lab's nodes.
import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { LABELS, type LabPlan } from "../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../orchestrator/src/runtime/exec.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import { type ApiHarness, apiHarness } from "./api/app.ts";
import { docker, fixture, sh, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
let plan: LabPlan;
let h: ApiHarness;
let apiPort = 0;
const lab = uniqueLabId("it-rob-iso");
const NODES = ["alpha", "beta", "gamma"];
/** A listener on a lab node, for the controls. */
const NEIGHBOUR_PORT = 8080;
/** Ports a host commonly serves, the Docker engine's TCP ports (2375, 2376) among them. */
const COMMON_PORTS = [22, 53, 80, 111, 443, 2375, 2376, 3000, 5432, 6379, 8000, 8080, 8443];

/**
 * The host's own IPv4 addresses a node could aim at: its gateways (the host's side of the
 * lab's bridges) and every other address of the host but loopback (which a node cannot name)
 * and other labs' bridges.
 */
function hostAddresses(): string[] {
  const own = plan.networks.map((n) => n.gateway);
  const others = Object.entries(networkInterfaces())
    .filter(([name]) => !name.startsWith("sl"))
    .flatMap(([, addresses]) => addresses ?? [])
    .filter((a) => a.family === "IPv4" && !a.internal)
    .map((a) => a.address);
  return [...new Set([...own, ...others])];
}

/** `curl` of a URL from a node: the HTTP status it got, "000" when nothing answered. */
async function curlFrom(node: string, url: string): Promise<string> {
  const result = await sh(
    engine,
    lab,
    node,
    `curl -s -m 3 -o /dev/null -w '%{http_code}' '${url}'`,
  );
  return result.stdout.trim();
}

/** TCP connects from `node` to every `address:port`, at once; returns those that connected. */
async function openPorts(node: string, address: string, ports: number[]): Promise<number[]> {
  const script = ports
    .map((port) => `(nc -z -w 2 ${address} ${port} && echo open ${port}) &`)
    .join("\n");
  const result = await sh(engine, lab, node, `${script}\nwait`);
  return [...result.stdout.matchAll(/open (\d+)/g)].map((m) => Number(m[1]));
}

beforeAll(async () => {
  engine = await testEngine();
  plan = (await upLab(engine, await fixture("three-nodes.yaml"), { lab, owner: "alice" })).plan;
  // The service on every address of the host, as `serve --host 0.0.0.0` would run it.
  h = await apiHarness(uniqueLabId("it-rob-iso-api"));
  await h.app.listen({ host: "0.0.0.0", port: 0 });
  apiPort = (h.app.server.address() as AddressInfo).port;
  // A plain HTTP server on beta, for the controls (it shares `front` with alpha).
  const served = await sh(
    engine,
    lab,
    "beta",
    `mkdir -p /tmp/www && echo neighbour > /tmp/www/index.html && cd /tmp/www && (nohup python3 -m http.server ${NEIGHBOUR_PORT} >/dev/null 2>&1 &)`,
  );
  expect(served.exitCode).toBe(0);
});

afterAll(async () => {
  await h?.app.close();
  if (engine) await downLab(engine, lab);
});

describe("the service's API port on the host", () => {
  it("answers on every host address from the host itself (control)", async () => {
    for (const address of hostAddresses()) {
      const response = await fetch(`http://${address}:${apiPort}/api/health`);
      expect({ address, status: response.status }).toEqual({ address, status: 200 });
    }
  });

  it("is unreachable from a lab node at every host address", async () => {
    for (const node of ["alpha", "gamma"]) {
      for (const address of hostAddresses()) {
        const status = await curlFrom(node, `http://${address}:${apiPort}/api/health`);
        expect({ node, address, status }).toEqual({ node, address, status: "000" });
      }
    }
  });

  it("while the same probe reaches a neighbour's HTTP server (control)", async () => {
    // Python's server may take a moment to listen.
    let status = "000";
    for (let i = 0; i < 20 && status !== "200"; i++) {
      status = await curlFrom("alpha", `http://beta:${NEIGHBOUR_PORT}/`);
      if (status !== "200") await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe("200");
    expect(await openPorts("alpha", "beta", [NEIGHBOUR_PORT])).toEqual([NEIGHBOUR_PORT]);
  });
});

describe("the Docker engine", () => {
  // Prints `socket` when a Docker socket is anywhere a process in the node could use it.
  const SOCKET_CHECK = `for s in /var/run/docker.sock /run/docker.sock; do test -e $s && echo socket; done
grep -q 'docker\\.sock' /proc/mounts && echo socket
env | grep -q '^DOCKER_HOST=' && echo socket
true`;

  it("has no socket inside any node of the lab", async () => {
    for (const node of NODES) {
      const result = await sh(engine, lab, node, SOCKET_CHECK);
      expect({ node, exitCode: result.exitCode, out: result.stdout }).toEqual({
        node,
        exitCode: 0,
        out: "",
      });
    }
    // Nor any mount of it, as the engine sees the containers.
    for (const c of (await labInventory(engine, lab)).containers) {
      const mounts = (await docker.getContainer(c.id).inspect()).Mounts ?? [];
      expect(mounts.filter((m) => `${m.Source} ${m.Destination}`.includes("docker.sock"))).toEqual(
        [],
      );
    }
  });

  it("is noticed by the same check when a container does have the socket (control)", async () => {
    const container = await docker.createContainer({
      name: `${lab}-socket-control`,
      Image: "socketlab/client:latest",
      Cmd: ["sleep", "infinity"],
      Labels: { [LABELS.lab]: lab },
      HostConfig: {
        Binds: ["/var/run/docker.sock:/var/run/docker.sock:ro"],
        NetworkMode: "none",
      },
    });
    try {
      await container.start();
      const result = await execCapture(engine, container.id, ["/bin/sh", "-c", SOCKET_CHECK]);
      expect(result.stdout).toContain("socket");
    } finally {
      await container.remove({ force: true });
    }
  });

  it("has its TCP ports (2375, 2376) closed to the lab at every host address", async () => {
    for (const address of hostAddresses()) {
      expect({ address, open: await openPorts("alpha", address, [2375, 2376]) }).toEqual({
        address,
        open: [],
      });
    }
  });
});

describe("forwarding through the gateway", () => {
  // Nodes have a default route through their gateway, so traffic to any other address is sent to
  // the host to forward. A container on Docker's default bridge stands for "anywhere else": it is
  // on the host (no traffic leaves the machine), and forwarding to it is what forwarding to the
  // Internet would be.
  it("reaches no container outside the lab, which the host itself reaches (control)", async () => {
    const outside = await docker.createContainer({
      name: `${lab}-outside`,
      Image: "socketlab/client:latest",
      Cmd: ["python3", "-m", "http.server", String(NEIGHBOUR_PORT)],
      Labels: { [LABELS.lab]: lab },
    });
    try {
      await outside.start();
      const address = (await outside.inspect()).NetworkSettings.Networks.bridge?.IPAddress;
      expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      const url = `http://${address}:${NEIGHBOUR_PORT}/`;
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = await fetch(url).then(
          (r) => r.status,
          () => 0,
        );
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(status).toBe(200);
      const route = await sh(engine, lab, "alpha", "ip route show default");
      expect(route.stdout).toContain("default via");
      expect(await curlFrom("alpha", url)).toBe("000");
    } finally {
      await outside.remove({ force: true });
    }
  });
});

describe("the network's gateway", () => {
  it("answers nothing on common ports, nor ping, from any node", async () => {
    for (const network of plan.networks) {
      const node = network.name === "front" ? "alpha" : "gamma";
      const gateway = network.gateway;
      const open = await openPorts(node, gateway, [...COMMON_PORTS, apiPort]);
      expect({ gateway, open }).toEqual({ gateway, open: [] });
      const ping = await sh(engine, lab, node, `ping -c 1 -W 2 ${gateway}`);
      expect(ping.exitCode, `ping ${gateway}`).not.toBe(0);
    }
  });

  it("while the same probes reach a neighbour (control)", async () => {
    const beta = plan.nodes
      .find((n) => n.name === "beta")
      ?.endpoints.find((e) => e.network === "front")?.address as string;
    expect(await openPorts("alpha", beta, [NEIGHBOUR_PORT])).toEqual([NEIGHBOUR_PORT]);
    expect((await sh(engine, lab, "alpha", `ping -c 1 -W 2 ${beta}`)).exitCode).toBe(0);
  });
});
