// The service without an engine: authentication, classes from rosters, the library, the audit
// log, readiness and the shape of errors. Everything goes through app.inject.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bearer } from "../../../tests/support/api.ts";
import { parseSse } from "../../../tests/support/sse.ts";
import { type App, BODY_LIMIT_BYTES } from "../../src/api/app.ts";
import { REPO_ROOT } from "../../src/paths.ts";
import { offlineApp } from "./helpers.ts";

let app: App;
let instructor: string;
let libraryDir: string;

beforeEach(async () => {
  ({ app, instructor, libraryDir } = await offlineApp());
});
afterEach(async () => {
  await app.close();
});

async function makeClass(name = "net-101") {
  const response = await app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(instructor),
    payload: { name, csv: "name,email\nAda,ada@uni.edu\nBob,bob@uni.edu\n", tas: ["Tess"] },
  });
  expect(response.statusCode).toBe(201);
  return response.json();
}

describe("oversized requests", () => {
  it("are refused with 413 before they are parsed, and the service goes on", async () => {
    const yaml = `name: big\n# ${"x".repeat(BODY_LIMIT_BYTES)}\n`;
    const response = await app.inject({
      method: "POST",
      url: "/api/topologies/validate",
      headers: bearer(instructor),
      payload: { yaml },
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: "payload_too_large" });
    const after = await app.inject({ method: "GET", url: "/api/health" });
    expect(after.statusCode).toBe(200);
  });

  it("still take a topology as large as the loader accepts (1 MiB)", async () => {
    // Exactly 1 MiB of YAML: with its JSON wrapping, more than Fastify's default limit.
    const yaml = `name: big\n# ${"x".repeat(1024 * 1024 - 13)}\n`;
    expect(Buffer.byteLength(yaml)).toBe(1024 * 1024);
    const response = await app.inject({
      method: "POST",
      url: "/api/topologies/validate",
      headers: bearer(instructor),
      payload: { yaml },
    });
    expect(response.statusCode).toBe(200);
  });
});

describe("authentication", () => {
  it("answers 401 without a token and with a bad one, 403 for the wrong role", async () => {
    const none = await app.inject({ method: "GET", url: "/api/audit" });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual({ error: "unauthorized", message: "sign in with a bearer token" });
    const bad = await app.inject({
      method: "GET",
      url: "/api/audit",
      headers: bearer(`${instructor.slice(0, -1)}x`),
    });
    expect(bad.statusCode).toBe(401);
    const cls = await makeClass();
    const student = await app.inject({
      method: "GET",
      url: "/api/audit",
      headers: bearer(cls.students[0].token),
    });
    expect(student.statusCode).toBe(403);
    const ta = await app.inject({
      method: "POST",
      url: "/api/classes",
      headers: bearer(cls.tas[0].token),
      payload: { name: "x", students: [{ name: "a" }] },
    });
    expect(ta.statusCode).toBe(403);
  });

  it("stores only hashes of tokens", async () => {
    const cls = await makeClass();
    const rows = app.db.prepare("SELECT id, hash FROM tokens").all() as {
      id: string;
      hash: string;
    }[];
    const secrets = [instructor, ...cls.students.map((s: { token: string }) => s.token)];
    for (const secret of secrets) {
      expect(rows.some((r) => secret.includes(r.hash))).toBe(false);
    }
    expect(rows).toHaveLength(4);
  });

  it("records a login the first time a token is used in this process", async () => {
    for (let i = 0; i < 3; i++) {
      await app.inject({ method: "GET", url: "/api/topologies", headers: bearer(instructor) });
    }
    const audit = await app.inject({
      method: "GET",
      url: "/api/audit",
      headers: bearer(instructor),
    });
    expect(audit.json().filter((r: { action: string }) => r.action === "login")).toHaveLength(1);
  });
});

describe("classes", () => {
  it("gives every student and TA a token that signs them in with their role", async () => {
    const cls = await makeClass();
    expect(cls.students.map((s: { login: string }) => s.login)).toEqual(["ada", "bob"]);
    expect(cls.tas.map((s: { login: string }) => s.login)).toEqual(["ta-tess"]);
    const ta = await app.inject({
      method: "GET",
      url: `/api/classes/${cls.id}`,
      headers: bearer(cls.tas[0].token),
    });
    expect(ta.statusCode).toBe(200);
    expect(ta.json().students.map((s: { login: string }) => s.login)).toEqual(["ada", "bob"]);
    // A TA of another class does not learn that this class exists.
    const other = await makeClass("net-102");
    const foreign = await app.inject({
      method: "GET",
      url: `/api/classes/${cls.id}`,
      headers: bearer(other.tas[0].token),
    });
    expect(foreign.statusCode).toBe(404);
    const list = await app.inject({
      method: "GET",
      url: "/api/classes",
      headers: bearer(other.tas[0].token),
    });
    expect(list.json().map((c: { id: string }) => c.id)).toEqual([other.id]);
  });

  it("refuses a bad CSV roster with every line's error, and creates nothing", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/classes",
      headers: bearer(instructor),
      payload: { name: "bad", csv: "name,email\nAda,ada@uni.edu\nBob,bob-at-uni\n,c@uni.edu\n" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: "invalid_request",
      message: "the roster has errors",
      fields: [
        { path: "csv:3:email", message: "'bob-at-uni' is not an e-mail address" },
        { path: "csv:4:name", message: "a name is needed" },
      ],
    });
    expect(app.db.prepare("SELECT COUNT(*) AS n FROM users").get()).toEqual({ n: 1 });
  });

  it("answers schema violations with 400 and the failing field paths", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/classes",
      headers: bearer(instructor),
      payload: { name: "", students: [{ email: "a@b.c" }] },
    });
    expect(response.statusCode).toBe(400);
    const paths = response.json().fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["body.name", "body.students.0.name"]));
  });
});

describe("the topology library", () => {
  const fixture = () => readFile(join(REPO_ROOT, "tests/fixtures/three-nodes.yaml"), "utf8");

  it("validates YAML with line, column and field", async () => {
    const yaml = await readFile(join(REPO_ROOT, "tests/fixtures/broken.yaml"), "utf8");
    const response = await app.inject({
      method: "POST",
      url: "/api/topologies/validate",
      headers: bearer(instructor),
      payload: { yaml },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.ok).toBe(false);
    expect(body.diagnostics[0]).toMatchObject({
      line: 5,
      col: 5,
      field: "networks.lan.sniffabel",
    });
  });

  it("serves the topology format's JSON Schema without a token, for editors", async () => {
    const response = await app.inject({ method: "GET", url: "/api/topologies/schema.json" });
    expect(response.statusCode).toBe(200);
    const committed = await readFile(join(REPO_ROOT, "schemas/topology.schema.json"), "utf8");
    expect(response.json()).toEqual(JSON.parse(committed));
  });

  it("lets instructors add a topology, refusing to overwrite unless asked", async () => {
    const yaml = await fixture();
    const add = (overwrite: boolean, token = instructor) =>
      app.inject({
        method: "POST",
        url: "/api/topologies",
        headers: bearer(token),
        payload: { name: "three-nodes", yaml, overwrite },
      });
    expect((await add(false)).statusCode).toBe(201);
    expect(await readFile(join(libraryDir, "three-nodes/topology.yaml"), "utf8")).toBe(yaml);
    expect((await add(false)).statusCode).toBe(409);
    expect((await add(true)).statusCode).toBe(201);
    const cls = await makeClass();
    expect((await add(true, cls.students[0].token)).statusCode).toBe(403);
    const list = await app.inject({
      method: "GET",
      url: "/api/topologies",
      headers: bearer(cls.students[0].token),
    });
    expect(list.json()).toEqual([
      { name: "three-nodes", description: null, nodes: 3, networks: 2, diagnostics: [] },
    ]);
  });

  it("refuses names that could leave the library folder", async () => {
    const response = await app.inject({
      method: "POST",
      url: "/api/topologies",
      headers: bearer(instructor),
      payload: { name: "../evil", yaml: await fixture() },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields[0].path).toBe("body.name");
  });
});

describe("the service", () => {
  it("is healthy but not ready without an engine, and says which part is missing", async () => {
    expect((await app.inject({ method: "GET", url: "/api/health" })).json()).toEqual({
      status: "ok",
    });
    const ready = await app.inject({ method: "GET", url: "/api/ready" });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ ready: false, engine: false, db: true });
  });

  it("hides internal errors behind a 500 without details", async () => {
    // The engine is unreachable: listing labs fails inside dockerode.
    const response = await app.inject({
      method: "GET",
      url: "/api/labs",
      headers: bearer(instructor),
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({
      error: "internal",
      message: "internal error; see the service log",
    });
  });

  it("publishes an OpenAPI document of its routes", async () => {
    const doc = (await app.inject({ method: "GET", url: "/api/openapi.json" })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/labs",
        "/api/labs/{id}/reset",
        "/api/classes/{id}/labs",
        "/api/jobs/{id}/events",
      ]),
    );
    expect(
      doc.paths["/api/labs"].post.requestBody.content["application/json"].schema.required,
    ).toEqual(["topology"]);
    const capture = doc.paths["/api/labs/{id}/networks/{network}/capture"].get;
    expect(Object.keys(capture.responses["200"].content)).toEqual(["application/vnd.tcpdump.pcap"]);
    expect(Object.keys(capture.responses["404"].content)).toEqual(["application/json"]);
    expect(capture.parameters.find((p: { name: string }) => p.name === "seconds").schema).toEqual({
      type: "integer",
      minimum: 1,
      maximum: 120,
      default: 10,
    });
  });
});

describe("bulk jobs over HTTP", () => {
  it("stream every student's failure, and retry the failed ones as a new job", async () => {
    const yaml = await readFile(join(REPO_ROOT, "tests/fixtures/three-nodes.yaml"), "utf8");
    await app.inject({
      method: "POST",
      url: "/api/topologies",
      headers: bearer(instructor),
      payload: { name: "three-nodes", yaml },
    });
    const cls = await makeClass();
    // No engine answers here, so every student fails, without stopping the others.
    const job = await app.inject({
      method: "POST",
      url: `/api/classes/${cls.id}/labs`,
      headers: bearer(cls.tas[0].token),
      payload: { topology: "three-nodes" },
    });
    expect(job.statusCode).toBe(202);
    const events = async (id: string, lastEventId?: number) =>
      parseSse(
        (
          await app.inject({
            method: "GET",
            url: `/api/jobs/${id}/events`,
            headers: {
              ...bearer(instructor),
              ...(lastEventId ? { "last-event-id": String(lastEventId) } : {}),
            },
          })
        ).body,
      );
    const all = await events(job.json().id);
    expect(all.filter((e) => e.event === "failed")).toHaveLength(2);
    expect(all.at(-1)?.data).toEqual({ type: "summary", ready: 0, failed: 2, total: 2 });
    // A client that reconnects gets only what it has not seen.
    const rest = await events(job.json().id, (all.at(-1)?.id ?? 0) - 1);
    expect(rest.map((e) => e.event)).toEqual(["summary"]);
    // Another class's TA does not see the job.
    const other = await makeClass("net-102");
    const foreign = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.json().id}/retry`,
      headers: bearer(other.tas[0].token),
    });
    expect(foreign.statusCode).toBe(404);
    const retry = await app.inject({
      method: "POST",
      url: `/api/jobs/${job.json().id}/retry`,
      headers: bearer(cls.tas[0].token),
    });
    expect(retry.statusCode).toBe(202);
    expect(retry.json().id).not.toBe(job.json().id);
    expect(retry.json().items.map((i: { student: string }) => i.student)).toEqual(["ada", "bob"]);
    expect((await events(retry.json().id)).at(-1)?.data).toMatchObject({ failed: 2, total: 2 });
  });
});
