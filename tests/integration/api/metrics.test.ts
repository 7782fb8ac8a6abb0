// /metrics scraped after real activity on the real engine: a bulk job bringing a class's lab up,
// a check run on it, a terminal open in it, and the requests that did all that.
import { randomBytes } from "node:crypto";
import { appendFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";
import { hello, Terminal } from "./terminal-client.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-metrics-${run}`;
const METRICS_TOKEN = randomBytes(24).toString("hex");
// One check that passes (beta's start command ran) and one that cannot.
const CHECKS = `
checks:
  - id: started
    task: beta ran its start command
    node: beta
    command: test -e /var/tmp/started-by-start-command
  - id: impossible
    task: alpha has a file nobody made
    node: alpha
    command: test -e /nonexistent
`;

let h: ApiHarness;
let terminal: Terminal | undefined;

/** The value of the sample `name{labels}` in the scrape, or undefined when it has none. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

beforeAll(async () => {
  h = await apiHarness(topology, { metrics: { token: METRICS_TOKEN } });
  await appendFile(join(h.libraryDir, topology, "topology.yaml"), CHECKS);
  await h.app.listen({ port: 0, host: "127.0.0.1" });
});

afterAll(async () => {
  terminal?.socket.close();
  if (h) await cleanUp(h);
});

describe("/metrics after real activity", () => {
  it("counts the bulk job, its lab, the check run, the open terminal and the requests", async () => {
    const made = await h.app.inject({
      method: "POST",
      url: "/api/classes",
      headers: bearer(h.instructor),
      payload: { name: `m${run}`, students: [{ name: `m${run}-1` }] },
    });
    expect(made.statusCode).toBe(201);
    const { id: classId, students } = made.json() as { id: string; students: { token: string }[] };

    const started = await h.app.inject({
      method: "POST",
      url: `/api/classes/${classId}/labs`,
      headers: bearer(h.instructor),
      payload: { topology },
    });
    expect(started.statusCode).toBe(202);
    const jobId = (started.json() as { id: string }).id;
    await h.app.jobs.settled(jobId);
    const job = await h.app.inject({
      method: "GET",
      url: `/api/jobs/${jobId}`,
      headers: bearer(h.instructor),
    });
    const item = (job.json() as { items: { state: string; lab: string }[] }).items[0];
    expect(item?.state).toBe("ready");
    const lab = item?.lab as string;

    const checks = await h.app.inject({
      method: "GET",
      url: `/api/labs/${lab}/checks`,
      headers: bearer(h.instructor),
    });
    expect(checks.statusCode).toBe(200);
    expect((checks.json() as { passed: boolean }[]).map((c) => c.passed)).toEqual([true, false]);

    const port = (h.app.server.address() as AddressInfo).port;
    terminal = new Terminal(
      `ws://127.0.0.1:${port}/api/labs/${lab}/nodes/alpha/terminal`,
      hello(students[0]?.token as string),
    );
    await terminal.ready;

    const scrape = await h.app.inject({
      method: "GET",
      url: "/metrics",
      headers: bearer(METRICS_TOKEN),
    });
    expect(scrape.statusCode).toBe(200);
    const text = scrape.body;
    const engine = h.app.engines.list()[0]?.spec.name as string;
    // The engine may hold labs of other runs; this one's is among the running ones.
    expect(
      sample(text, "socketlab_labs", `{engine="${engine}",state="running"}`),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, "socketlab_engine_up", `{engine="${engine}"}`)).toBe(1);
    expect(sample(text, "socketlab_terminal_sessions")).toBe(1);
    expect(sample(text, "socketlab_labs_checked")).toBe(1);
    expect(sample(text, "socketlab_check_results", '{result="passed"}')).toBe(1);
    expect(sample(text, "socketlab_check_results", '{result="failed"}')).toBe(1);
    expect(sample(text, "socketlab_bulk_jobs", '{state="finished"}')).toBe(1);
    expect(sample(text, "socketlab_bulk_job_duration_seconds_count", '{outcome="all_ready"}')).toBe(
      1,
    );
    expect(
      sample(text, "socketlab_bulk_job_duration_seconds_sum", '{outcome="all_ready"}'),
    ).toBeGreaterThan(0);
    expect(
      sample(
        text,
        "socketlab_http_request_duration_seconds_count",
        '{method="GET",route="/api/labs/:id/checks",status_code="200"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        "socketlab_http_request_duration_seconds_count",
        '{method="POST",route="/api/classes/:id/labs",status_code="202"}',
      ),
    ).toBe(1);
    expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });
});
