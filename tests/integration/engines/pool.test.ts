// A pool of two extra engines on this machine (support/extra-engines.ts), behind the service:
// placement spreads labs and keeps a student's labs together, images reach an engine without a
// registry,
// each engine has its own host guard, a terminal reaches a lab on the second engine, a drained
// engine takes no new lab, an engine restarted (issue 7) gets its labs back with no restart of
// the service, and an engine killed shows its labs unavailable while new labs, bulk jobs and a
// reset (which re-places the lab) go to the other engine; when it answers again, the copy it
// still holds of a re-placed lab is taken down (the older copy, also for a service on an empty
// database). The CLI, given the pool, finds a lab on any engine and places a new one as the
// service does.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type App, buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import { connectEngine, imageId } from "../../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { GUARD_CONTAINER, GUARD_IMAGE } from "../../../orchestrator/src/runtime/host-guard.ts";
import { imageTag } from "../../../orchestrator/src/runtime/images/catalog.ts";
import { readLabRecord } from "../../../orchestrator/src/runtime/lab-record.ts";
import {
  destroyExtraEngines,
  type ExtraEngine,
  startExtraEngines,
} from "../../../support/extra-engines.ts";
import { apiRequest, type Method } from "../../support/api.ts";
import { cli } from "../engine.ts";
import { onePcTopology } from "./topology.ts";

const run = randomBytes(2).toString("hex");
const T1 = `it-eng-${run}`;
const T2 = `it-eng2-${run}`;
/** A topology whose image no engine has. */
const T3 = `it-eng3-${run}`;
const CLIENT = imageTag("client");
const STUDENTS = ["a", "b", "c", "d", "e", "f", "g"];

let e1: ExtraEngine;
let e2: ExtraEngine;
let engines: ExtraEngine[] = [];
let app: App;
let base = "";
let libraryDir = "";
let instructor = "";
let classId = "";
const tokens: Record<string, string> = {};
const logins: Record<string, string> = {};
const labs: Record<string, string> = {};

const call = (method: Method, url: string, payload?: object) =>
  apiRequest(app, method, url, instructor, payload);

async function createLab(student: string, name: string): Promise<string> {
  const response = await call("POST", "/api/labs", { topology: name, owner: logins[student] });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().lab;
}

async function engineOf(lab: string): Promise<string | null> {
  for (const e of engines) {
    if (await readLabRecord(e.engine, lab).catch(() => null)) return e.name;
  }
  return null;
}

async function report(name: string) {
  const response = await call("GET", "/api/engines");
  expect(response.statusCode).toBe(200);
  return (response.json() as { name: string; labs: number; available: boolean }[]).find(
    (r) => r.name === name,
  );
}

async function labState(lab: string): Promise<string> {
  const response = await call("GET", `/api/labs/${lab}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json().state;
}

/** A second service on an empty database over e1 and e2: it learns placements by asking them. */
async function freshService() {
  return buildApp({
    engine: await connectEngine(),
    engines: [e1, e2].map((e) => ({
      name: e.name,
      host: e.host,
      capacity: { labs: null, memoryBytes: null },
      drained: false,
    })),
    dataDir: ":memory:",
    sweepEveryMs: 0,
  });
}

beforeAll(async () => {
  // Only e1 gets the images: e2 receives them from e1 when a lab is placed there.
  engines = await startExtraEngines(["e1", "e2"], []);
  [e1, e2] = engines as [ExtraEngine, ExtraEngine];
  await e1.load([CLIENT, GUARD_IMAGE]);
  libraryDir = await mkdtemp(join(tmpdir(), "sl-it-engines-"));
  for (const name of [T1, T2, T3]) {
    await mkdir(join(libraryDir, name));
    const yaml = onePcTopology(name);
    await writeFile(
      join(libraryDir, name, "topology.yaml"),
      name === T3
        ? yaml.replace("role: client", `role: client\n    image: socketlab/${run}-none:latest`)
        : yaml,
    );
  }
  app = await buildApp({
    engine: await connectEngine(),
    engines: [
      {
        name: "e1",
        host: e1.host,
        capacity: { labs: 16, memoryBytes: 2 * 1024 ** 3 },
        drained: false,
      },
    ],
    dataDir: ":memory:",
    libraryDir,
    sweepEveryMs: 0,
  });
  instructor = ensureInstructor(app.db) as string;
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const created = await call("POST", "/api/classes", {
    name: `engines ${run}`,
    students: STUDENTS.map((x) => ({ name: x, id: `${x}-${run}` })),
  });
  expect(created.statusCode, created.body).toBe(201);
  const cls = created.json() as { id: string; students: { login: string; token: string }[] };
  classId = cls.id;
  STUDENTS.forEach((x, i) => {
    logins[x] = cls.students[i]?.login as string;
    tokens[x] = cls.students[i]?.token as string;
  });
}, 600_000);

afterAll(async () => {
  await app?.close();
  // Every lab lived on the extra engines only: removing them removes the labs.
  await destroyExtraEngines(engines);
}, 600_000);

describe("a pool of engines", () => {
  it("takes an engine through the API, instructors only", async () => {
    const refused = await app.inject({
      method: "POST",
      url: "/api/engines",
      headers: { authorization: `Bearer ${tokens.a}` },
      payload: { name: "e2", host: e2.host },
    });
    expect(refused.statusCode).toBe(403);
    const bad = await call("POST", "/api/engines", { name: "e2", host: "http://nowhere" });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("host");
    const added = await call("POST", "/api/engines", {
      name: "e2",
      host: e2.host,
      capacity: { labs: 16, memory: "2g" },
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ name: "e2", available: true, labs: 0, drained: false });
  });

  it("refuses a lab whose image no engine has, before creating anything", async () => {
    const response = await call("POST", "/api/labs", { topology: T3, owner: logins.a });
    expect(response.statusCode, response.body).toBe(409);
    expect(response.json()).toMatchObject({ error: "image_missing" });
    expect(response.json().message).toContain(`socketlab/${run}-none:latest`);
    for (const e of engines) {
      const volumes = await e.docker.listVolumes();
      expect(volumes.Volumes ?? []).toEqual([]);
    }
  });

  it("spreads new labs by free capacity and keeps a student's labs together", async () => {
    labs.a = await createLab("a", T1);
    labs.b = await createLab("b", T1);
    labs.a2 = await createLab("a", T2);
    labs.c = await createLab("c", T1);
    expect(await engineOf(labs.a)).toBe("e1");
    expect(await engineOf(labs.b)).toBe("e2");
    // e1 and e2 hold one lab each: a's second lab follows a's first.
    expect(await engineOf(labs.a2)).toBe("e1");
    // e1 holds two labs, e2 one: c's goes to e2.
    expect(await engineOf(labs.c)).toBe("e2");
    expect((await report("e1"))?.labs).toBe(2);
    expect((await report("e2"))?.labs).toBe(2);
    // e2 had no image: the pool copied them from e1, with no registry.
    expect(await imageId(e2.engine, CLIENT)).toBe(await imageId(e1.engine, CLIENT));
  });

  it("spreads labs placed at the same time", async () => {
    [labs.f, labs.g] = await Promise.all([createLab("f", T1), createLab("g", T1)]);
    const where = [await engineOf(labs.f as string), await engineOf(labs.g as string)];
    expect([...where].sort()).toEqual(["e1", "e2"]);
    labs.fgOnE2 = where[0] === "e2" ? labs.f : labs.g;
  });

  it("caps each engine, not the whole pool, at SOCKETLAB_LABS_PER_ENGINE", async () => {
    // Six labs on two engines: a cap of 4 on the whole pool would hold a new lab back.
    const capped = await buildApp({
      engine: await connectEngine(),
      engines: [e1, e2].map((e) => ({
        name: e.name,
        host: e.host,
        capacity: { labs: 16, memoryBytes: null },
        drained: false,
      })),
      dataDir: ":memory:",
      libraryDir,
      quotas: { perEngine: 4 },
      sweepEveryMs: 0,
    });
    try {
      const headers = { authorization: `Bearer ${ensureInstructor(capped.db)}` };
      const created = await capped.inject({
        method: "POST",
        url: "/api/labs",
        headers,
        payload: { topology: T1 },
      });
      expect(created.statusCode, created.body).toBe(201);
      const listed = await capped.inject({ method: "GET", url: "/api/engines", headers });
      const loads = (
        listed.json() as { name: string; labs: number; capacity: { labs: number } }[]
      ).map((e) => [e.name, e.labs, e.capacity.labs]);
      // The cap in force is the smaller of the engine's capacity (16) and the service's (4).
      expect(loads).toEqual([
        ["e1", 4, 4],
        ["e2", 3, 4],
      ]);
      const url = `/api/labs/${created.json().lab}`;
      const gone = await capped.inject({ method: "DELETE", url, headers });
      expect(gone.statusCode, gone.body).toBe(204);
    } finally {
      await capped.close();
    }
  });

  it("gives each engine its own host guard, in the engine's own network namespace", async () => {
    const bridgeOf = async (lab: string, engine: ExtraEngine) => {
      const plan = await readLabRecord(engine.engine, lab);
      return plan?.networks[0]?.bridgeName as string;
    };
    const bridgeB = await bridgeOf(labs.b as string, e2);
    const guard2 = await e2.docker.getContainer(GUARD_CONTAINER).inspect();
    const guard1 = await e1.docker.getContainer(GUARD_CONTAINER).inspect();
    expect(guard2.State.Running).toBe(true);
    expect(guard1.State.Running).toBe(true);
    // b's bridge exists in e2's namespace, where e2's guard sees it, and not in e1's.
    const seen2 = await execCapture(e2.engine, guard2.Id, ["ip", "link", "show", bridgeB]);
    const seen1 = await execCapture(e1.engine, guard1.Id, ["ip", "link", "show", bridgeB]);
    expect(seen2.exitCode).toBe(0);
    expect(seen1.exitCode).not.toBe(0);
  });

  it("opens a terminal on a lab on the second engine", async () => {
    const lab = labs.b as string;
    const socket = new WebSocket(`${base}/api/labs/${lab}/nodes/pc/terminal`);
    const chunks: Buffer[] = [];
    socket.on("message", (data: Buffer, binary) => {
      if (binary) chunks.push(data);
    });
    await new Promise((resolve) => socket.on("open", resolve));
    socket.send(JSON.stringify({ type: "hello", token: tokens.b, cols: 80, rows: 24 }));
    socket.send(Buffer.from("echo on-$((6*7))-$(hostname)\r"), { binary: true });
    const deadline = Date.now() + 30_000;
    while (!Buffer.concat(chunks).toString().includes("on-42-pc") && Date.now() < deadline) {
      await sleep(100);
    }
    socket.close();
    expect(Buffer.concat(chunks).toString()).toContain("on-42-pc");
    // The node lives on e2 only.
    const inventory = await e2.docker.listContainers({
      filters: JSON.stringify({ label: [`io.socketlab.lab=${lab}`] }),
    });
    expect(inventory).toHaveLength(1);
  });

  it("lets the CLI find a lab on any engine of the pool and place a new one", async () => {
    // The default engine joins drained, as the source of images: `up` checks them there.
    const file = join(libraryDir, "engines.yaml");
    await writeFile(
      file,
      `engines:
  - { name: main, host: local, drained: true }
  - { name: e1, host: "${e1.host}" }
  - { name: e2, host: "${e2.host}" }
`,
    );
    const env = { SOCKETLAB_ENGINES: file };
    const status = await cli(["status", labs.b as string, "--json"], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ lab: labs.b, engine: "e2" });
    const exec = await cli(["exec", labs.b as string, "pc", "--", "hostname"], { env });
    expect({ code: exec.code, out: exec.stdout.trim() }, exec.stderr).toEqual({
      code: 0,
      out: "pc",
    });
    const ls = await cli(["ls", "--json", "--engines", file]);
    expect(ls.code, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as { lab: string; engine: string }[];
    expect(listed.find((l) => l.lab === labs.b)?.engine).toBe("e2");
    expect(listed.find((l) => l.lab === labs.a)?.engine).toBe("e1");

    // e1 and e2 hold three labs each: b's new lab follows b's labs to e2, as the service places.
    const lab = `it-eng2-cli-${run}`;
    const topologyFile = join(libraryDir, T1, "topology.yaml");
    const up = await cli(
      ["up", topologyFile, "--lab", lab, "--owner", logins.b as string, "--json"],
      {
        env,
      },
    );
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ engine: "e2", status: { state: "running" } });
    expect(await engineOf(lab)).toBe("e2");
    const down = await cli(["down", lab], { env });
    expect(down.code, down.stderr).toBe(0);
    expect(await engineOf(lab)).toBeNull();
  });

  it("places no new lab on a drained engine", async () => {
    const drained = await call("POST", "/api/engines/e1/drain");
    expect(drained.statusCode, drained.body).toBe(200);
    expect(drained.json().drained).toBe(true);
    // Both hold three labs; without the drain, e1 would win the tie by name.
    labs.d = await createLab("d", T1);
    expect(await engineOf(labs.d)).toBe("e2");
    const undrained = await call("POST", "/api/engines/e1/drain", { drained: false });
    expect(undrained.json().drained).toBe(false);
  });

  it("refuses to remove an engine that holds labs", async () => {
    const refused = await call("DELETE", "/api/engines/e1");
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain("e1");
  });

  it("gets an engine's labs back after the engine restarts, without restarting the service", async () => {
    const node = async () =>
      (
        await e2.docker.listContainers({
          all: true,
          filters: JSON.stringify({ label: [`io.socketlab.lab=${labs.b}`] }),
        })
      )[0]?.Id as string;
    const startedBefore = (await e2.docker.getContainer(await node()).inspect()).State.StartedAt;
    await e2.restart();
    // The restart policy brings the nodes back; the service asks the engine again by itself.
    const deadline = Date.now() + 120_000;
    let state = await labState(labs.b as string);
    while (state !== "running" && Date.now() < deadline) {
      await sleep(1000);
      state = await labState(labs.b as string);
    }
    expect(state).toBe("running");
    expect((await report("e2"))?.available).toBe(true);
    // The same container, started again by the engine (a lab node that never stopped would not
    // show the engine's restart).
    const startedAfter = (await e2.docker.getContainer(await node()).inspect()).State.StartedAt;
    expect(startedAfter > startedBefore).toBe(true);
  });

  it("shows a killed engine's labs unavailable and places new labs, bulk jobs and resets elsewhere", async () => {
    // A second service on a fresh database: its placements come from asking the engines.
    const fresh = await freshService();
    await fresh.ready();
    await e2.kill();
    expect(await labState(labs.b as string)).toBe("unavailable");
    // The fresh service knows b's lab is on e2 only from the engines, asked at its start.
    const seen = await fresh.inject({
      method: "GET",
      url: `/api/labs/${labs.b}`,
      headers: { authorization: `Bearer ${ensureInstructor(fresh.db)}` },
    });
    await fresh.close();
    expect(seen.statusCode, seen.body).toBe(200);
    expect(seen.json()).toMatchObject({ lab: labs.b, owner: logins.b, state: "unavailable" });
    const listed = (await call("GET", "/api/labs")).json() as { lab: string; state: string }[];
    const unavailable = listed.filter((l) => l.state === "unavailable").map((l) => l.lab);
    expect(unavailable.sort()).toEqual([labs.b, labs.c, labs.d, labs.fgOnE2].sort());
    expect((await report("e2"))?.available).toBe(false);
    // The service stays ready on e1, and says which engine is down.
    const ready = await app.inject({
      method: "GET",
      url: "/api/ready",
      headers: { authorization: `Bearer ${instructor}` },
    });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json().engines).toMatchObject([
      { name: "e1", available: true },
      { name: "e2", available: false },
    ]);
    // An operation on such a lab says why it cannot be done.
    const checks = await call("GET", `/api/labs/${labs.b}/checks`);
    expect(checks.statusCode).toBe(503);
    expect(checks.json().message).toContain("e2");

    labs.e = await createLab("e", T1);
    expect(await engineOf(labs.e)).toBe("e1");

    // A bulk job: every student of the class gets T2, on e1 (a's exists there already).
    const job = await call("POST", `/api/classes/${classId}/labs`, { topology: T2 });
    expect(job.statusCode, job.body).toBe(202);
    const jobId = job.json().id as string;
    await app.jobs.settled(jobId);
    const items = (await call("GET", `/api/jobs/${jobId}`)).json().items as {
      state: string;
      lab: string;
    }[];
    expect(items.map((i) => i.state)).toEqual(STUDENTS.map(() => "ready"));
    for (const item of items) expect(await engineOf(item.lab)).toBe("e1");

    // A reset of a lab of the dead engine brings it up anew on e1.
    const reset = await call("POST", `/api/labs/${labs.b}/reset`, {});
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json().state).toBe("running");
    expect(await readLabRecord(e1.engine, labs.b as string)).not.toBeNull();
  });

  it("takes down the copy an engine that answers again holds of a lab re-placed meanwhile", async () => {
    const onE2 = async (lab: string) =>
      e2.docker.listContainers({
        all: true,
        filters: JSON.stringify({ label: [`io.socketlab.lab=${lab}`] }),
      });
    await e2.start();
    // b's old copy is back with e2; the service notices it as it lists labs (nothing has yet).
    expect(await readLabRecord(e2.engine, labs.b as string)).not.toBeNull();
    // The CLI, which keeps no store, takes the copy written last for the lab.
    const file = join(libraryDir, "engines.yaml");
    const status = await cli(["status", labs.b as string, "--json", "--engines", file]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ lab: labs.b, engine: "e1" });
    // Taking the copy down removes its containers, then its networks, then its record.
    const copyLeft = async () =>
      (await onE2(labs.b as string)).length > 0 ||
      (await readLabRecord(e2.engine, labs.b as string)) !== null;
    const deadline = Date.now() + 120_000;
    while ((await copyLeft()) && Date.now() < deadline) {
      await call("GET", "/api/labs");
      await sleep(1000);
    }
    expect(await onE2(labs.b as string)).toEqual([]);
    expect(await readLabRecord(e2.engine, labs.b as string)).toBeNull();
    // The lab itself, on e1, is untouched and listed once; e2's own labs are its again.
    expect(await labState(labs.b as string)).toBe("running");
    const listed = (await call("GET", "/api/labs")).json() as { lab: string; state: string }[];
    expect(listed.filter((l) => l.lab === labs.b)).toHaveLength(1);
    for (const lab of [labs.c, labs.d, labs.fgOnE2] as string[]) {
      expect(await readLabRecord(e2.engine, lab)).not.toBeNull();
      expect(await labState(lab)).not.toBe("unavailable");
    }
  });

  it("removes the dead engine once its labs are re-placed", async () => {
    await e2.kill();
    const left = [labs.c, labs.d, labs.fgOnE2] as string[];
    const refused = await call("DELETE", "/api/engines/e2");
    expect(refused.statusCode).toBe(409);
    for (const lab of left) {
      const reset = await call("POST", `/api/labs/${lab}/reset`, {});
      expect(reset.statusCode, reset.body).toBe(200);
    }
    const removed = await call("DELETE", "/api/engines/e2");
    expect(removed.statusCode, removed.body).toBe(204);
    const names = ((await call("GET", "/api/engines")).json() as { name: string }[]).map(
      (e) => e.name,
    );
    expect(names).toEqual(["e1"]);
    for (const lab of left) expect(await labState(lab)).toBe("running");
  });

  it("keeps the newer copy when a service on an empty database finds a lab on two engines", async () => {
    // e2 comes back with its old copies of the labs just re-placed on e1. A service on an empty
    // database first places each lab on the engine it lists last (e2); the record dates put it
    // right, and the older copies go.
    const left = [labs.c, labs.d, labs.fgOnE2] as string[];
    await e2.start();
    for (const lab of left) expect(await readLabRecord(e2.engine, lab)).not.toBeNull();
    const fresh = await freshService();
    try {
      await fresh.ready();
      const headers = { authorization: `Bearer ${ensureInstructor(fresh.db)}` };
      const onE2 = async () =>
        (await Promise.all(left.map((lab) => readLabRecord(e2.engine, lab)))).filter(Boolean);
      const deadline = Date.now() + 120_000;
      while ((await onE2()).length > 0 && Date.now() < deadline) {
        await fresh.inject({ method: "GET", url: "/api/labs", headers });
        await sleep(1000);
      }
      expect(await onE2()).toEqual([]);
      const listed = (await fresh.inject({ method: "GET", url: "/api/labs", headers })).json() as {
        lab: string;
        state: string;
      }[];
      for (const lab of left) {
        expect(await readLabRecord(e1.engine, lab)).not.toBeNull();
        expect(listed.filter((l) => l.lab === lab).map((l) => l.state)).toEqual(["running"]);
      }
    } finally {
      await fresh.close();
    }
  });
});
