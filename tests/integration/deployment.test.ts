// The service as its image runs it: built from the repository's Dockerfile (as docker-compose.yml
// builds it), run with the engine's socket and a data volume, and driven only through its API, as
// an operator's deployment would be. testcontainers builds and runs it; the lab it brings up is
// looked at, and looked for after it is gone, on the host's engine.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GenericContainer, type StartedTestContainer, Wait } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { REPO_ROOT } from "../../orchestrator/src/paths.ts";
import { LABELS } from "../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import { newToken } from "../../orchestrator/src/store/users.ts";
import { bearer } from "../support/api.ts";
import { docker, FIXTURES, hostGuardRules, testEngine } from "./engine.ts";

// A tag of its own, so that this test never replaces the image docker-compose.yml runs.
const IMAGE = "socketlab/service:deploy-test";
const BASE_IMAGE = "socketlab/base:latest";
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const run = randomBytes(3).toString("hex");
const topology = `it-deploy-${run}`;
const volume = `socketlab-it-deploy-${run}`;
const instructor = newToken();

let engine: Engine;
let service: StartedTestContainer | undefined;
let lab = "";

/** A container of the service image with the engine's socket and the test's data volume. */
function serviceContainer(image: GenericContainer, environment: Record<string, string> = {}) {
  return image
    .withBindMounts([
      { source: "/var/run/docker.sock", target: "/var/run/docker.sock" },
      // A volume's name where a bind wants a path: the engine makes (or reuses) that volume.
      { source: volume, target: "/data" },
    ])
    .withEnvironment(environment)
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp("/api/health", 8080).forStatusCode(200))
    .withStartupTimeout(120_000)
    .start();
}

/** A request to the running service's API, signed in as the instructor. */
async function api(method: string, path: string, body?: object) {
  const started = service as StartedTestContainer;
  const url = `http://${started.getHost()}:${started.getMappedPort(8080)}${path}`;
  const response = await fetch(url, {
    method,
    headers: {
      ...bearer(instructor),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
  };
}

/** The engine's containers and networks labelled with the lab's id. */
async function engineObjectsOf(id: string) {
  const filters = JSON.stringify({ label: [`${LABELS.lab}=${id}`] });
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  return { containers: containers.length, networks: networks.length };
}

/** The CA certificates of a PEM bundle, each laid out alike whatever its line breaks. */
const certificates = (pem: string) =>
  [...pem.matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g)].map((m) => {
    const body = (m[1] as string).replace(/\s+/g, "").replace(/.{1,64}/g, "$&\n");
    return `-----BEGIN CERTIFICATE-----\n${body}-----END CERTIFICATE-----`;
  });

/**
 * The CA certificates this machine trusts and socketlab/base does not: a TLS-inspecting proxy's,
 * where npm's registry is reached through one, which the build's fetch stage must trust
 * (the Dockerfile's EXTRA_CA_CERTS; docker-compose.yml's SOCKETLAB_BUILD_CA).
 */
async function caCertificatesBaseLacks(): Promise<string> {
  const host = certificates(await readFile(HOST_CA_BUNDLE, "utf8").catch(() => ""));
  const base = await new GenericContainer(BASE_IMAGE).withCommand(["sleep", "infinity"]).start();
  try {
    const known = new Set(certificates((await base.exec(["cat", HOST_CA_BUNDLE])).stdout));
    return host.filter((c) => !known.has(c)).join("\n");
  } finally {
    await base.stop({ timeout: 0 });
  }
}

let image: GenericContainer;

beforeAll(async () => {
  engine = await testEngine();
  // The build starts from socketlab/base, which testEngine() has made sure of, like every image.
  image = await GenericContainer.fromDockerfile(REPO_ROOT)
    .withBuildArgs({ EXTRA_CA_CERTS: await caCertificatesBaseLacks() })
    .build(IMAGE, { deleteOnExit: false });
  service = await serviceContainer(image, { SOCKETLAB_INSTRUCTOR_TOKEN: instructor });
});

afterAll(async () => {
  await service?.stop();
  if (lab) await downLab(engine, lab);
  await docker
    .getVolume(volume)
    .remove()
    .catch(() => {});
});

describe("the service image", () => {
  it("takes a topology into its library and brings its lab up on the host's engine", async () => {
    const yaml = await readFile(join(FIXTURES, "three-nodes.yaml"), "utf8");
    const added = await api("POST", "/api/topologies", {
      name: topology,
      yaml: yaml.replace(/^name: three-nodes$/m, `name: ${topology}`),
    });
    expect(added.status).toBe(201);

    const created = await api("POST", "/api/labs", { topology });
    expect(created.status).toBe(201);
    lab = created.json.lab as string;
    expect(created.json).toMatchObject({ topology, state: "running" });

    const inventory = await labInventory(engine, lab);
    expect(inventory.containers.map((c) => c.name).sort()).toEqual(["alpha", "beta", "gamma"]);
    expect(inventory.containers.every((c) => c.state === "running")).toBe(true);
  });

  it("keeps its database on the volume: a new container knows the token and finds the lab", async () => {
    await service?.stop();
    // No token in its environment: it can only know the instructor's from the volume's database.
    service = await serviceContainer(image);
    const found = await api("GET", `/api/labs/${lab}`);
    expect(found.status).toBe(200);
    expect(found.json).toMatchObject({ lab, topology, state: "running" });
  });

  it("takes the lab down and leaves nothing of it on the engine", async () => {
    const removed = await api("DELETE", `/api/labs/${lab}`);
    expect(removed.status).toBe(204);
    expect(await engineObjectsOf(lab)).toEqual({ containers: 0, networks: 0 });
    expect(await hostGuardRules(engine, [lab], ["front", "back"])).toEqual([]);
    const gone = await api("GET", `/api/labs/${lab}`);
    expect(gone.status).toBe(404);
    lab = "";
  });
});
