// The gradebook through the API on the real engine, with the service's clock moved rather than
// waited for: a TA checks the whole class as a bulk job; the grid shows each student's latest
// result per check (and which ones run inside a node); the instructor's deadline runs every
// student's checks once and freezes the grades, so a run after it is stored but not counted;
// the CSV export has a row per student and a column per check, plus the score; a moved deadline
// runs again, starting a lab stopped meanwhile; a student reads their own lab's history and no
// one else's.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../../support/api.ts";
import { parseSse } from "../../support/sse.ts";
import { sh } from "../engine.ts";
import { type ApiHarness, apiHarness, cleanUp, createLab } from "./app.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-grades-${run}`;
const HOUR = 3600_000;
let clock = Date.now();
let h: ApiHarness;
let classId = "";
const tokens = { ta: "", s1: "", s2: "" };
const logins = { s1: `g1-${run}`, s2: `g2-${run}` };
const labs = { s1: "", s2: "" };

const get = (url: string, token: string) =>
  h.app.inject({ method: "GET", url, headers: bearer(token) });

interface Grid {
  frozen: boolean;
  deadline: { at: string; firedAt: string | null } | null;
  checks: { id: string; vantage: string }[];
  students: { login: string; score: number; cells: Record<string, { passed: boolean } | null> }[];
}

async function grid(token = tokens.ta): Promise<Grid> {
  const response = await get(`/api/classes/${classId}/grades?topology=${topology}`, token);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Grid;
}

/** Sets (or moves) the class's deadline for the topology, as `token`'s holder. */
const putDeadline = (at: string, token: string) =>
  h.app.inject({
    method: "PUT",
    url: `/api/classes/${classId}/deadlines/${topology}`,
    headers: bearer(token),
    payload: { at },
  });

const scores = (g: Grid) => Object.fromEntries(g.students.map((s) => [s.login, s.score]));

beforeAll(async () => {
  // No idle stop: the moved clock would stop the labs, and with them the student's server.
  const lifetime = { idleStop: null };
  h = await apiHarness(topology, { now: () => clock, sweepEveryMs: 0, lifetime }, "grades");
  const created = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: {
      name: `grades ${run}`,
      students: [
        { name: "Grace One", id: logins.s1 },
        { name: "Gus Two", id: logins.s2 },
      ],
      tas: ["Tess"],
    },
  });
  expect(created.statusCode).toBe(201);
  const made = created.json() as {
    id: string;
    students: { token: string }[];
    tas: { token: string }[];
  };
  classId = made.id;
  tokens.s1 = made.students[0]?.token as string;
  tokens.s2 = made.students[1]?.token as string;
  tokens.ta = made.tas[0]?.token as string;
  [labs.s1, labs.s2] = await Promise.all([createLab(h, tokens.s1), createLab(h, tokens.s2)]);
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

describe("the gradebook", () => {
  it("starts empty: every cell unrun, every score 0, the node check marked as such", async () => {
    const g = await grid();
    expect(g.checks).toEqual([
      { id: "done-file", task: "server's /root/done.txt says done", vantage: "node" },
      { id: "web", task: "server answers HTTP on port 8000", vantage: "probe" },
    ]);
    expect(g.students.map((s) => s.login)).toEqual([logins.s1, logins.s2]);
    expect(g.students.every((s) => s.cells["done-file"] === null && s.score === 0)).toBe(true);
    expect(
      (await get(`/api/classes/${classId}/grades?topology=${topology}`, tokens.s1)).statusCode,
    ).toBe(403);
  });

  it("checks the whole class as a bulk job with progress, and the grid shows the results", async () => {
    const done = await sh(
      h.engine,
      labs.s1,
      "server",
      "echo done > /root/done.txt; cd /root && setsid python3 -m http.server 8000 </dev/null >/dev/null 2>&1 &",
    );
    expect(done.exitCode).toBe(0);
    const started = await h.app.inject({
      method: "POST",
      url: `/api/classes/${classId}/checks`,
      headers: bearer(tokens.ta),
      payload: { topology },
    });
    expect(started.statusCode, started.body).toBe(202);
    const job = started.json() as { id: string; kind: string };
    expect(job.kind).toBe("checks");
    const stream = await get(`/api/jobs/${job.id}/events`, tokens.ta);
    const events = parseSse(stream.body);
    for (const login of [logins.s1, logins.s2]) {
      const mine = events.filter((e) => e.data.student === login).map((e) => e.event);
      expect({ login, mine }).toEqual({ login, mine: ["queued", "started", "ready"] });
    }
    expect(events.at(-1)).toMatchObject({ event: "summary", data: { ready: 2, failed: 0 } });
    // The server's HTTP server may take a moment: the web check is retried by a student's run.
    await expect
      .poll(
        async () => {
          await get(`/api/labs/${labs.s1}/checks`, tokens.s1);
          return scores(await grid());
        },
        { timeout: 20_000, interval: 1000 },
      )
      .toEqual({ [logins.s1]: 2, [logins.s2]: 0 });
    const g = await grid();
    expect(g.students[0]?.cells.web).toMatchObject({ passed: true, vantage: "probe" });
    expect(g.students[1]?.cells["done-file"]).toMatchObject({ passed: false, vantage: "node" });
    expect(g.frozen).toBe(false);
  });

  it("freezes the grades at the deadline: every student checked once, later runs kept but not counted", async () => {
    const at = new Date(clock + HOUR).toISOString();
    const byTa = await putDeadline(at, tokens.ta);
    expect(byTa.statusCode).toBe(403);
    const set = await putDeadline(at, h.instructor);
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ at, firedAt: null, setBy: "instructor" });

    // Before the deadline nothing runs; past it, the sweep runs every student's checks.
    await h.app.sweeper.sweep();
    expect((await grid()).deadline?.firedAt).toBeNull();
    clock += 2 * HOUR;
    await h.app.sweeper.sweep();
    const frozen = await grid();
    expect(frozen.frozen).toBe(true);
    expect(frozen.deadline?.firedAt).toBe(new Date(clock).toISOString());
    expect(scores(frozen)).toEqual({ [logins.s1]: 2, [logins.s2]: 0 });

    // The second student finishes late: their run is stored, and not counted.
    await sh(h.engine, labs.s2, "server", "echo done > /root/done.txt");
    clock += 60_000;
    const late = await get(`/api/labs/${labs.s2}/checks`, tokens.s2);
    expect(late.json()).toContainEqual(expect.objectContaining({ id: "done-file", passed: true }));
    expect(scores(await grid())).toEqual({ [logins.s1]: 2, [logins.s2]: 0 });

    const history = (await get(`/api/labs/${labs.s2}/checks/history`, tokens.s2)).json() as {
      check: string;
      passed: boolean;
      graded: boolean;
      triggeredBy: string;
    }[];
    expect(history[0]).toMatchObject({
      passed: expect.any(Boolean),
      graded: false,
      triggeredBy: logins.s2,
    });
    expect(history.find((e) => e.check === "done-file" && e.passed)).toMatchObject({
      graded: false,
    });
    expect(history.filter((e) => e.triggeredBy === "@deadline").map((e) => e.graded)).toEqual([
      true,
      true,
    ]);
    expect(history.some((e) => e.triggeredBy === "Tess" || e.triggeredBy.startsWith("ta-"))).toBe(
      true,
    );
  });

  it("exports the grid as CSV: a row per student, a column per check, the score", async () => {
    const response = await get(
      `/api/classes/${classId}/grades?topology=${topology}&format=csv`,
      tokens.ta,
    );
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("text/csv");
    expect(response.headers["content-disposition"]).toContain(`grades-${topology}.csv`);
    expect(response.body.split("\r\n")).toEqual([
      "login,name,done-file,web,score,of",
      `${logins.s1},Grace One,pass,pass,2,2`,
      `${logins.s2},Gus Two,fail,fail,0,2`,
      "",
    ]);
  });

  it("runs a moved deadline once it passes, starting a lab stopped meanwhile: its files count", async () => {
    // The second student's late done.txt is in their lab's files; then they stop the lab.
    const stopped = await h.app.inject({
      method: "POST",
      url: `/api/labs/${labs.s2}/stop`,
      headers: bearer(tokens.s2),
    });
    expect(stopped.statusCode, stopped.body).toBe(200);
    expect(stopped.json()).toMatchObject({ state: "stopped" });
    const at = new Date(clock + HOUR).toISOString();
    const moved = await putDeadline(at, h.instructor);
    expect(moved.json()).toMatchObject({ at, firedAt: null });
    clock += 2 * HOUR;
    await h.app.sweeper.sweep();

    const status = await get(`/api/labs/${labs.s2}`, tokens.s2);
    expect(status.json()).toMatchObject({ state: "running" });
    const after = await grid();
    expect(after.deadline?.firedAt).toBe(new Date(clock).toISOString());
    expect(after.students[1]?.cells["done-file"]).toMatchObject({ passed: true });
    expect(scores(after)).toEqual({ [logins.s1]: 2, [logins.s2]: 1 });
  });

  it("shows a student their own history and no one else's", async () => {
    expect((await get(`/api/labs/${labs.s1}/checks/history`, tokens.s2)).statusCode).toBe(404);
    const own = await get(`/api/labs/${labs.s1}/checks/history?limit=2`, tokens.s1);
    expect(own.statusCode).toBe(200);
    expect((own.json() as unknown[]).length).toBe(2);
  });
});
