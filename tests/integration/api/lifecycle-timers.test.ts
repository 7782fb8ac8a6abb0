// A lab's time to live and idle stop through the API on the real engine. The app's clock is a
// variable the test moves, and the sweeper runs when the test calls it (its timer is off), so
// nothing here depends on how long anything takes.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SERVICE_ACTOR } from "../../../orchestrator/src/classroom/labs.ts";
import { labInventory } from "../../../orchestrator/src/runtime/inventory.ts";
import { apiRequest, type Method } from "../../support/api.ts";
import { sh } from "../engine.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-timers-${run}`;
const IDLE = 1000;
const TTL = 60_000;
let clock = Date.now();
let h: ApiHarness;
const tokens: Record<string, string> = {};

const call = (method: Method, url: string, token: string, payload?: object) =>
  apiRequest(h.app, method, url, token, payload);

beforeAll(async () => {
  h = await apiHarness(topology, {
    lifetime: { ttl: TTL, maxTtl: 2 * TTL, warning: 10_000, idleStop: IDLE },
    now: () => clock,
    sweepEveryMs: 0,
  });
  const created = await call("POST", "/api/classes", h.instructor, {
    name: `timers ${run}`,
    students: ["a", "b"].map((x) => ({ name: x, id: `${x}-${run}` })),
  });
  expect(created.statusCode).toBe(201);
  const { students } = created.json() as { students: { token: string }[] };
  tokens.a = students[0]?.token as string;
  tokens.b = students[1]?.token as string;
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

const containerIds = async (lab: string) =>
  Object.fromEntries((await labInventory(h.engine, lab)).containers.map((c) => [c.name, c.id]));

it("refuses a time to live from a student, or beyond the maximum", async () => {
  const student = await call("POST", "/api/labs", tokens.a as string, { topology, ttl: "1m" });
  expect(student.statusCode).toBe(403);
  const tooLong = await call("POST", "/api/labs", h.instructor, {
    topology,
    owner: `a-${run}`,
    ttl: "3m",
  });
  expect(tooLong.statusCode).toBe(400);
  expect(tooLong.json().fields).toEqual([expect.objectContaining({ path: "body.ttl" })]);
});

it("stops an idle lab, keeping its files, and resumes it for its owner only", async () => {
  const created = await call("POST", "/api/labs", tokens.a as string, { topology });
  expect(created.statusCode).toBe(201);
  const status = created.json() as { lab: string; expiresAt: string; idleStopAt: string };
  const lab = status.lab;
  expect(status).toMatchObject({
    state: "running",
    expiresAt: new Date(clock + TTL).toISOString(),
    expiring: false,
    idleStopAt: new Date(clock + IDLE).toISOString(),
  });
  expect((await sh(h.engine, lab, "alpha", "echo kept > /root/work")).exitCode).toBe(0);
  const ids = await containerIds(lab);

  // Not idle yet: nothing happens.
  clock += IDLE - 1;
  expect(await h.app.sweeper.sweep()).toEqual([]);
  clock += 1;
  expect(await h.app.sweeper.sweep()).toEqual([{ kind: "stop", lab }]);

  const stopped = (await call("GET", `/api/labs/${lab}`, tokens.a as string)).json();
  expect(stopped).toMatchObject({ state: "stopped", idleStopAt: null });
  const inventory = await labInventory(h.engine, lab);
  expect(inventory.containers.map((c) => c.state).sort()).toEqual(["exited", "exited", "exited"]);
  expect(inventory.networks).toHaveLength(2);
  // A stopped lab is not stopped again.
  expect(await h.app.sweeper.sweep()).toEqual([]);

  expect((await call("POST", `/api/labs/${lab}/resume`, tokens.b as string)).statusCode).toBe(404);
  const resumed = await call("POST", `/api/labs/${lab}/resume`, tokens.a as string);
  expect(resumed.statusCode).toBe(200);
  expect(resumed.json()).toMatchObject({
    state: "running",
    idleStopAt: new Date(clock + IDLE).toISOString(),
  });
  expect(await containerIds(lab)).toEqual(ids);
  expect((await sh(h.engine, lab, "alpha", "cat /root/work")).stdout.trim()).toBe("kept");

  const audit = (await call("GET", "/api/audit?limit=10", h.instructor)).json() as {
    actor: string;
    action: string;
    target: string;
  }[];
  expect(audit).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ actor: SERVICE_ACTOR, action: "lab.stop", target: lab }),
      expect.objectContaining({ actor: `a-${run}`, action: "lab.resume", target: lab }),
    ]),
  );
});

it("warns of a lab's expiry, then destroys it, stopped or not, and audits it", async () => {
  const labs = (await call("GET", "/api/labs", tokens.a as string)).json() as {
    lab: string;
    expiresAt: string;
  }[];
  expect(labs).toHaveLength(1);
  const { lab, expiresAt } = labs[0] as { lab: string; expiresAt: string };
  const expiry = Date.parse(expiresAt);

  // Idle again, then inside the warning window: stopped, and its status says it expires soon.
  clock = expiry - 10_000;
  expect(await h.app.sweeper.sweep()).toEqual([{ kind: "stop", lab }]);
  expect((await call("GET", `/api/labs/${lab}`, tokens.a as string)).json()).toMatchObject({
    state: "stopped",
    expiring: true,
    expiresAt,
  });

  clock = expiry;
  expect(await h.app.sweeper.sweep()).toEqual([{ kind: "destroy", lab }]);
  expect((await call("GET", `/api/labs/${lab}`, tokens.a as string)).statusCode).toBe(404);
  const left = await labInventory(h.engine, lab);
  expect(left.containers).toEqual([]);
  expect(left.networks).toEqual([]);
  const audit = (await call("GET", "/api/audit?limit=5", h.instructor)).json() as {
    actor: string;
    action: string;
    target: string;
    detail: unknown;
  }[];
  expect(audit).toContainEqual(
    expect.objectContaining({
      actor: SERVICE_ACTOR,
      action: "lab.destroy",
      target: lab,
      detail: { reason: "expired", expiresAt },
    }),
  );
  expect(await h.app.sweeper.sweep()).toEqual([]);
});
