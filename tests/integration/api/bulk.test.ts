// A bulk spin-up for a 10-student class through the API on the real engine: every student's
// progress arrives as server-sent events, then a summary; every lab is up afterwards.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bearer } from "../../support/api.ts";
import { parseSse } from "../../support/sse.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";

const STUDENTS = 10;
const run = randomBytes(2).toString("hex");
const topology = `it-bulk-${run}`;
let h: ApiHarness;

beforeAll(async () => {
  h = await apiHarness(topology);
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

it(`brings a topology up for ${STUDENTS} students, reporting each one's progress`, async () => {
  const students = Array.from({ length: STUDENTS }, (_, i) => ({
    name: `S${i}`,
    id: `s${i}-${run}`,
  }));
  const created = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: { name: `bulk ${run}`, students, tas: ["T"] },
  });
  expect(created.statusCode).toBe(201);
  const cls = created.json() as { id: string; tas: { token: string }[] };
  const ta = cls.tas[0]?.token as string;

  const started = await h.app.inject({
    method: "POST",
    url: `/api/classes/${cls.id}/labs`,
    headers: bearer(ta),
    payload: { topology, concurrency: 4 },
  });
  expect(started.statusCode).toBe(202);
  const job = started.json() as { id: string };

  // The stream ends after the summary, so the whole of it is the response.
  const stream = await h.app.inject({
    method: "GET",
    url: `/api/jobs/${job.id}/events`,
    headers: bearer(ta),
  });
  expect(stream.statusCode).toBe(200);
  expect(stream.headers["content-type"]).toBe("text/event-stream");
  const events = parseSse(stream.body);
  expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  for (const { id } of students) {
    const mine = events.filter((e) => e.data.student === id).map((e) => e.event);
    expect({ id, mine }).toEqual({ id, mine: ["queued", "started", "ready"] });
  }
  expect(events.at(-1)).toMatchObject({
    event: "summary",
    data: { type: "summary", ready: STUDENTS, failed: 0, total: STUDENTS },
  });

  const labs = (
    await h.app.inject({ method: "GET", url: "/api/labs", headers: bearer(ta) })
  ).json() as {
    owner: string;
    state: string;
    topology: string;
  }[];
  const ours = labs.filter((l) => l.topology === topology);
  expect(ours.map((l) => l.owner).sort()).toEqual(students.map((s) => s.id).sort());
  expect(ours.every((l) => l.state === "running")).toBe(true);

  const retry = await h.app.inject({
    method: "POST",
    url: `/api/jobs/${job.id}/retry`,
    headers: bearer(ta),
  });
  expect(retry.statusCode).toBe(409);
  expect(retry.json().error).toBe("nothing_to_retry");
});
