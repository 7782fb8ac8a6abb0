// A lab's checks on the real engine: through `socketlab check` in a fresh process (the checks
// come from the lab record alone) and through the API with its ownership rules. A check fails on
// the fresh lab and passes once its task is done; timeouts, long outputs and stopped nodes fail
// with what happened.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../orchestrator/src/classroom/bootstrap.ts";
import {
  CHECK_OUTPUT_BYTES,
  type CheckResult,
  runChecks,
} from "../../orchestrator/src/labs/checks.ts";
import { downLab } from "../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import { bearer } from "../support/api.ts";
import { cli, docker, FIXTURES, sh, testEngine } from "./engine.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-checks-${run}`;
let engine: Engine;
let app: App;
let lab = "";
const tokens: Record<string, string> = {};

const byId = (results: CheckResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

beforeAll(async () => {
  engine = await testEngine();
  // The fixture as a library topology of its own name, so the lab's id starts with `it-`.
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-it-library-"));
  const yaml = await readFile(join(FIXTURES, "checks.yaml"), "utf8");
  await mkdir(join(libraryDir, topology));
  await writeFile(
    join(libraryDir, topology, "topology.yaml"),
    yaml.replace(/^name: checks$/m, `name: ${topology}`),
  );
  app = await buildApp({ engine, dataDir: ":memory:", libraryDir });
  const instructor = ensureInstructor(app.db) as string;
  const created = await app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(instructor),
    payload: {
      name: `c${run}`,
      students: [`s1-${run}`, `s2-${run}`].map((id) => ({ name: id, id })),
    },
  });
  expect(created.statusCode).toBe(201);
  const { students } = created.json() as { students: { token: string }[] };
  tokens.owner = students[0]?.token as string;
  tokens.other = students[1]?.token as string;
  const up = await app.inject({
    method: "POST",
    url: "/api/labs",
    headers: bearer(tokens.owner),
    payload: { topology },
  });
  expect(up.statusCode).toBe(201);
  lab = (up.json() as { lab: string }).lab;
});

afterAll(async () => {
  if (lab) await downLab(engine, lab);
  await app?.close();
});

describe("checks on a fresh lab", () => {
  it("socketlab check --json: each task's result, exit status 3 as one fails", async () => {
    const result = await cli(["check", lab, "--json"]);
    expect(result.code, result.stderr).toBe(3);
    const checks = byId(JSON.parse(result.stdout) as CheckResult[]);
    expect(Object.keys(checks)).toEqual(["greeting", "slow", "chatty", "spare-up"]);
    expect(checks.greeting).toMatchObject({ node: "client", passed: false, exitCode: 1 });
    expect(checks["spare-up"]).toMatchObject({ passed: true, exitCode: 0, output: "" });
  });

  it("stops a check at its timeout, with what it printed", async () => {
    const { slow } = byId(await runChecks(engine, lab));
    expect(slow).toMatchObject({ passed: false, exitCode: 124 });
    expect(slow?.output).toBe("started\n(timed out after 1 s)");
  });

  it("keeps only the end of a long output", async () => {
    const { chatty } = byId(await runChecks(engine, lab));
    expect(chatty).toMatchObject({ passed: false, exitCode: 3 });
    // The last CHECK_OUTPUT_BYTES bytes, cut anywhere in a line, after a mark that says so.
    expect(chatty?.output).toMatch(/^…[chaty]*\n(chatty\n)+chatt\nlast line\n$/);
    expect(Buffer.byteLength(chatty?.output ?? "")).toBe(
      Buffer.byteLength("…") + CHECK_OUTPUT_BYTES,
    );
  });

  it("socketlab check of a lab that does not exist: exit status 1, the checks could not run", async () => {
    const result = await cli(["check", `${lab}-none`]);
    expect(result.code, result.stderr).toBe(1);
  });

  it("socketlab check: a table, a count, and the failed checks' output", async () => {
    const result = await cli(["check", lab]);
    expect(result.code).toBe(3); // the checks ran, and some failed
    expect(result.stdout).toMatch(/^CHECK +NODE +RESULT +TASK\n/);
    expect(result.stdout).toMatch(/\ngreeting +client +FAIL +server serves/);
    expect(result.stdout).toMatch(/\nspare-up +spare +pass +spare runs\n/);
    expect(result.stdout).toContain("1 of 4 passed\n");
    expect(result.stdout).toContain(
      "\nslow (exit status 124):\n  started\n  (timed out after 1 s)\n",
    );
  });

  it("GET /api/labs/:id/checks: for the lab's owner, a 404 for another student, 401 without a token", async () => {
    const url = `/api/labs/${lab}/checks`;
    const mine = await app.inject({ method: "GET", url, headers: bearer(tokens.owner as string) });
    expect(mine.statusCode).toBe(200);
    const checks = byId(mine.json() as CheckResult[]);
    expect(checks.greeting).toMatchObject({
      task: "server serves /root/greeting.txt on TCP port 8000",
      passed: false,
    });
    const other = await app.inject({ method: "GET", url, headers: bearer(tokens.other as string) });
    expect(other.statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url })).statusCode).toBe(401);
  });
});

describe("checks once the task is done", () => {
  it("passes the task's check; a check on a stopped node fails, saying so", async () => {
    const done = await sh(
      engine,
      lab,
      "server",
      `printf 'hello\\n' > /root/greeting.txt
nohup socat TCP-LISTEN:8000,fork,reuseaddr SYSTEM:'cat /root/greeting.txt' >/dev/null 2>&1 &
for i in $(seq 100); do ss -ltn | grep -q ':8000 ' && exit 0; sleep 0.1; done; exit 1`,
    );
    expect(done.exitCode).toBe(0);
    const spare = (await labInventory(engine, lab)).containers.find((c) => c.name === "spare");
    await docker.getContainer(spare?.id as string).stop({ t: 0 });

    const response = await app.inject({
      method: "GET",
      url: `/api/labs/${lab}/checks`,
      headers: bearer(tokens.owner as string),
    });
    const checks = byId(response.json() as CheckResult[]);
    expect(checks.greeting).toMatchObject({ passed: true, exitCode: 0 });
    expect(checks["spare-up"]).toMatchObject({
      passed: false,
      exitCode: null,
      output: "node spare is not running",
    });
  });
});
