// A lab's life from the page, through the API on the real engine: its student stops it (the
// nodes stop, their files stay) and resumes it, and extends it only while it is expiring; no
// one who may not see the lab does either.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sh } from "../engine.ts";
import { type ApiHarness, apiHarness, bearer, cleanUp, createLab, twoStudents } from "./app.ts";

const MIN = 60_000;
let h: ApiHarness;
let clock = Date.now();
const run = randomBytes(2).toString("hex");
let student = "";
let other = "";
let lab = "";

beforeAll(async () => {
  h = await apiHarness(`it-life-${run}`, {
    lifetime: { ttl: 120 * MIN, maxTtl: 1440 * MIN, warning: 30 * MIN, idleStop: null },
    now: () => clock,
    sweepEveryMs: 0,
  });
  [student, other] = await twoStudents(h, `l${run}`);
  lab = await createLab(h, student);
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

const post = (path: string, token: string) =>
  h.app.inject({ method: "POST", url: `/api/labs/${lab}/${path}`, headers: bearer(token) });

describe("a lab's life from the page", () => {
  it("is stopped by its student, files kept, and resumed", async () => {
    expect((await post("stop", other)).statusCode).toBe(404);
    const running = await h.app.inject({
      method: "GET",
      url: `/api/labs/${lab}`,
      headers: bearer(student),
    });
    expect(running.json().state).toBe("running");
    await sh(h.engine, lab, "beta", "echo kept > /root/mark");
    const stopped = await post("stop", student);
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json()).toMatchObject({ state: "stopped", idleStopAt: null });
    expect(stopped.json().nodes.every((n: { state: string }) => n.state === "exited")).toBe(true);
    const resumed = await post("resume", student);
    expect(resumed.json().state).toBe("running");
    expect((await sh(h.engine, lab, "beta", "cat /root/mark")).stdout.trim()).toBe("kept");
  });

  it("is extended by its student only while expiring, by staff at any time", async () => {
    const first = (
      await h.app.inject({ method: "GET", url: `/api/labs/${lab}`, headers: bearer(student) })
    ).json();
    const expiresAt = Date.parse(first.expiresAt);
    const early = await post("extend", student);
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ error: "extension_refused" });
    expect((await post("extend", other)).statusCode).toBe(404);

    clock = expiresAt - 10 * MIN;
    const extended = await post("extend", student);
    expect(extended.statusCode).toBe(200);
    expect(Date.parse(extended.json().expiresAt)).toBe(clock + 120 * MIN);
    expect(extended.json().expiring).toBe(false);

    const staff = await post("extend", h.instructor);
    expect(staff.statusCode).toBe(200);
    const audit = await h.app.inject({
      method: "GET",
      url: "/api/audit",
      headers: bearer(h.instructor),
    });
    const actions = (audit.json() as { action: string; target: string }[])
      .filter((r) => r.target === lab)
      .map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["lab.stop", "lab.resume", "lab.extend"]));
  });
});
