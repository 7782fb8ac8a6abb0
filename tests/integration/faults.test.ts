// Bring-ups that fail on the real engine: a node that never becomes ready, an image that is not
// there, a pool of subnets that is used up, an engine that does not answer. A new lab must leave
// nothing behind and say what failed; an existing lab that fails to converge is kept.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { loadTopologyText } from "../../orchestrator/src/roles/load.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import { readLabRecord } from "../../orchestrator/src/runtime/lab-record.ts";
import type { Topology } from "../../orchestrator/src/topology/model.ts";
import { folderReader } from "../../orchestrator/src/topology/sources.ts";
import { apiRequest, bearer, type Method } from "../support/api.ts";
import { parseSse } from "../support/sse.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./api/app.ts";
import { cli, FIXTURES, hostGuardRules, labObjects, testEngine, uniqueLabId } from "./engine.ts";

let engine: Engine;
const labs: string[] = [];

/** A lab id for one test, taken down after the file whatever happened. */
function labId(prefix: string): string {
  const lab = uniqueLabId(prefix);
  labs.push(lab);
  return lab;
}

/** Two nodes on two networks; `stuck` carries whatever `extra` YAML adds to it. */
const topologyText = (extra: string, name = "it-faults") => `name: ${name}
networks:
  front: { subnet: 10.1.0.0/24 }
  back: { subnet: 10.2.0.0/24 }
nodes:
  fine:
    networks: { front: .10 }
  stuck:
    networks: { front: .20, back: .20 }
${extra}`;

async function topology(extra: string): Promise<Topology> {
  const text = topologyText(extra);
  const result = await loadTopologyText(text, "faults.yaml", folderReader(FIXTURES));
  if (!result.ok) throw new Error(`test topology does not load: ${JSON.stringify(result)}`);
  return result.topology;
}

// Never passes; the timeout only decides how soon the failure comes, not whether it does.
const NEVER_READY = `    ready: { command: "false", timeout: 1 }\n`;

async function expectNothingLeft(lab: string): Promise<void> {
  const objects = await labObjects(engine, lab);
  expect(objects.containers.map((c) => c.Names)).toEqual([]);
  expect(objects.networks.map((n) => n.Name)).toEqual([]);
  expect(objects.volumes.map((v) => v.Name)).toEqual([]);
}

/** The networks of the fixture these tests bring up. */
const FIXTURE_NETWORKS = ["front", "back"];

beforeAll(async () => {
  engine = await testEngine();
});

afterAll(async () => {
  for (const lab of labs) await downLab(engine, lab);
});

describe("a new lab that fails to come up", () => {
  it("is removed whole when a node never becomes ready, and the error names the node", async () => {
    const lab = labId("it-fault-ready");
    await expect(
      upLab(engine, await topology(NEVER_READY), { lab, owner: "alice" }),
    ).rejects.toThrow(
      new RegExp(`lab ${lab} could not be brought up: node stuck not ready after 1 s`),
    );
    await expectNothingLeft(lab);
    expect(await hostGuardRules(engine, [lab], FIXTURE_NETWORKS)).toEqual([]);
  });

  it("names the missing image and its node, and creates nothing", async () => {
    const lab = labId("it-fault-image");
    const missing = "socketlab-it/no-such-image:0";
    await expect(
      upLab(engine, await topology(`    image: ${missing}\n`), { lab, owner: "alice" }),
    ).rejects.toThrow(`image ${missing} (node stuck) is not on the engine`);
    await expectNothingLeft(lab);
  });

  it("says the subnet pool is used up, and creates nothing", async () => {
    const lab = labId("it-fault-pool");
    // One /24 for a lab that needs two: the second network finds no room.
    const saved = process.env.SOCKETLAB_SUBNET_POOL;
    process.env.SOCKETLAB_SUBNET_POOL = "10.254.77.0/24";
    try {
      await expect(upLab(engine, await topology(""), { lab, owner: "alice" })).rejects.toThrow(
        /subnet pool exhausted: no free \/24 for network '(front|back)' in 10\.254\.77\.0\/24/,
      );
    } finally {
      if (saved === undefined) delete process.env.SOCKETLAB_SUBNET_POOL;
      else process.env.SOCKETLAB_SUBNET_POOL = saved;
    }
    await expectNothingLeft(lab);
  });
});

describe("an existing lab that fails to converge", () => {
  it("is left as it is, and the error names the node", async () => {
    const lab = labId("it-fault-kept");
    await upLab(engine, await topology(""), { lab, owner: "alice" });
    const before = await labInventory(engine, lab);

    // The same lab, now with a ready check on `stuck` that never passes: `stuck` is recreated
    // (its definition changed) and fails; `fine` and the record must stay.
    await expect(
      upLab(engine, await topology(NEVER_READY), { lab, owner: "alice" }),
    ).rejects.toThrow(`lab ${lab} did not converge: node stuck not ready after 1 s`);
    expect(await readLabRecord(engine, lab)).not.toBeNull();
    const after = await labInventory(engine, lab);
    const fine = (inventory: typeof before) => inventory.containers.find((c) => c.name === "fine");
    expect(fine(after)?.id).toBe(fine(before)?.id);
    expect(fine(after)?.state).toBe("running");
    expect(after.networks.map((n) => n.name).sort()).toEqual(["back", "front"]);
  });
});

describe("through the API, a new lab that fails to come up", () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await apiHarness(uniqueLabId("it-rob-api"));
  });
  afterAll(async () => {
    await cleanUp(h);
  });

  /** Adds the two-node topology with `extra` to the library as `<prefix>-<random>`. */
  async function addTopology(prefix: string, extra: string): Promise<string> {
    const name = uniqueLabId(prefix);
    await mkdir(join(h.libraryDir, name));
    await writeFile(join(h.libraryDir, name, "topology.yaml"), topologyText(extra, name));
    return name;
  }

  /**
   * Asks for a lab of a new library topology for the instructor; returns the answer and the
   * lab's id (`<topology>-<owner>`).
   */
  async function create(prefix: string, extra: string) {
    const name = await addTopology(prefix, extra);
    const lab = `${name}-instructor`;
    labs.push(lab);
    const response = await h.app.inject({
      method: "POST",
      url: "/api/labs",
      headers: bearer(h.instructor),
      payload: { topology: name },
    });
    return { lab, status: response.statusCode, body: response.json() };
  }

  it("answers 502 lab_up_failed naming the node that was never ready", async () => {
    const { lab, status, body } = await create("it-rob-ready", NEVER_READY);
    expect({ status, error: body.error }).toEqual({ status: 502, error: "lab_up_failed" });
    expect(body.message).toContain(`lab ${lab} could not be brought up: node stuck not ready`);
    expect(body.message).toContain("everything it had created was removed");
    await expectNothingLeft(lab);
  });

  it("answers 502 lab_up_failed naming the missing image and its node", async () => {
    const missing = "socketlab-it/no-such-image:0";
    const { lab, status, body } = await create("it-rob-image", `    image: ${missing}\n`);
    expect({ status, error: body.error }).toEqual({ status: 502, error: "lab_up_failed" });
    expect(body.message).toContain(`image ${missing} (node stuck) is not on the engine`);
    await expectNothingLeft(lab);
  });

  it("is reported failed by a bulk job with the same message", async () => {
    const name = await addTopology("it-rob-bulk", NEVER_READY);
    const student = uniqueLabId("f");
    const lab = `${name}-${student}`;
    labs.push(lab);
    const call = (method: Method, url: string, payload?: object) =>
      apiRequest(h.app, method, url, h.instructor, payload);
    const cls = (
      await call("POST", "/api/classes", { name: name, students: [{ name: "F", id: student }] })
    ).json() as { id: string };
    const job = (await call("POST", `/api/classes/${cls.id}/labs`, { topology: name })).json() as {
      id: string;
    };
    // The stream ends after the summary.
    const events = parseSse((await call("GET", `/api/jobs/${job.id}/events`)).body);
    const failed = events.find((e) => e.event === "failed");
    expect(failed?.data.student).toBe(student);
    expect(failed?.data.error).toContain(
      `lab ${lab} could not be brought up: node stuck not ready`,
    );
    await expectNothingLeft(lab);
  });

  it("answers 409 saying the subnet pool is used up, and creates nothing", async () => {
    const saved = process.env.SOCKETLAB_SUBNET_POOL;
    process.env.SOCKETLAB_SUBNET_POOL = "10.254.77.0/24";
    try {
      const { lab, status, body } = await create("it-rob-pool", "");
      expect({ status, error: body.error }).toEqual({ status: 409, error: "lab_request_refused" });
      expect(body.message).toMatch(/subnet pool exhausted: no free \/24 for network/);
      await expectNothingLeft(lab);
    } finally {
      if (saved === undefined) delete process.env.SOCKETLAB_SUBNET_POOL;
      else process.env.SOCKETLAB_SUBNET_POOL = saved;
    }
  });
});

describe("an engine that does not answer", () => {
  it.each(["unix:///nonexistent.sock", "tcp://127.0.0.1:1"])(
    "makes the CLI exit 1 saying where it tried (%s)",
    async (dockerHost) => {
      const lab = labId("it-fault-engine");
      const result = await cli(["up", `${FIXTURES}/three-nodes.yaml`, "--lab", lab], {
        env: { DOCKER_HOST: dockerHost },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`socketlab: no Docker engine answers at ${dockerHost}`);
      await expectNothingLeft(lab);
    },
  );
});
