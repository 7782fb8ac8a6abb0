// Quotas through the API on the real engine: one lab per student, two per class. A refused lab
// is refused before anything reaches the engine; bringing an existing lab up again never is.
// The engine's cap (a queue) is tested without an engine (orchestrator/tests/api/quotas.test.ts):
// here other labs come and go on the shared engine, so no count of its labs holds still.
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiRequest, type Method } from "../../support/api.ts";
import { parseSse } from "../../support/sse.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-quota-${run}`;
const other = `it-quota2-${run}`;
let h: ApiHarness;
let classId = "";
const tokens: Record<string, string> = {};

const call = (method: Method, url: string, token: string, payload?: object) =>
  apiRequest(h.app, method, url, token, payload);

beforeAll(async () => {
  h = await apiHarness(topology, { quotas: { perStudent: 1, perClass: 2 } });
  // A second library topology, so that a student can ask for a second lab.
  const yaml = await readFile(join(h.libraryDir, topology, "topology.yaml"), "utf8");
  await mkdir(join(h.libraryDir, other));
  await writeFile(
    join(h.libraryDir, other, "topology.yaml"),
    yaml.replace(`name: ${topology}`, `name: ${other}`),
  );
  const created = await call("POST", "/api/classes", h.instructor, {
    name: `quota ${run}`,
    students: ["x1", "x2", "x3"].map((x) => ({ name: x, id: `${x}-${run}` })),
    tas: ["T"],
  });
  expect(created.statusCode).toBe(201);
  const cls = created.json() as {
    id: string;
    students: { token: string }[];
    tas: { token: string }[];
  };
  classId = cls.id;
  tokens.x1 = cls.students[0]?.token as string;
  tokens.ta = cls.tas[0]?.token as string;
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

it("gives a student one lab, converges it again, and refuses a second", async () => {
  expect((await call("POST", "/api/labs", tokens.x1 as string, { topology })).statusCode).toBe(201);
  expect((await call("POST", "/api/labs", tokens.x1 as string, { topology })).statusCode).toBe(200);
  for (const token of [tokens.x1, tokens.ta, h.instructor]) {
    const second = await call("POST", "/api/labs", token as string, {
      topology: other,
      owner: `x1-${run}`,
    });
    expect(second.statusCode).toBe(409);
    expect(second.json()).toEqual({
      error: "quota_exceeded",
      message: `x1-${run} holds 1 lab, a student's quota; destroy one first`,
    });
  }
  const mine = (await call("GET", "/api/labs", tokens.x1 as string)).json() as {
    topology: string;
  }[];
  expect(mine.map((l) => l.topology)).toEqual([topology]);
  // Staff's own labs are not a student's: the instructor may hold one beside the class's.
  expect((await call("POST", "/api/labs", h.instructor, { topology: other })).statusCode).toBe(201);
});

it("brings a class's labs up to the class's quota and fails the rest, saying why", async () => {
  const started = await call("POST", `/api/classes/${classId}/labs`, tokens.ta as string, {
    topology,
    concurrency: 3,
  });
  expect(started.statusCode).toBe(202);
  const stream = await call("GET", `/api/jobs/${started.json().id}/events`, tokens.ta as string);
  const events = parseSse(stream.body);
  // x1's lab is the one they hold: converged, not counted twice. x2 and x3 race for the class's
  // last place; one of them gets it.
  expect(events.at(-1)?.data).toEqual({ type: "summary", ready: 2, failed: 1, total: 3 });
  const failed = events.filter((e) => e.event === "failed").map((e) => e.data);
  expect(failed).toHaveLength(1);
  expect(failed[0]?.student).toMatch(new RegExp(`^x[23]-${run}$`));
  expect(failed[0]?.error).toBe(
    `the class of ${failed[0]?.student} holds 2 labs, its quota; destroy one first`,
  );
  const labs = (await call("GET", "/api/labs", tokens.ta as string)).json() as { owner: string }[];
  expect(labs).toHaveLength(2);
  expect(labs.map((l) => l.owner)).toContain(`x1-${run}`);
});
