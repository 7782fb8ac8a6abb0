// A user whose tokens stop being valid is signed out of their open terminals: a revocation
// closes their sockets at once (4401, saying why) and ends their shells, a watcher of their
// session is told it ended; a reissued token opens terminals again; a class's term moved into
// the past closes its students' sockets at the next sweep (the clock is moved, not waited for).
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REISSUED_REASON, REVOKED_REASON } from "../../../orchestrator/src/classroom/tokens.ts";
import { CLOSE } from "../../../orchestrator/src/terminals/protocol.ts";
import { apiRequest } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp, createLab } from "./app.ts";
import { alive, eventually, hello, Terminal } from "./terminal-client.ts";

let h: ApiHarness;
let base = "";
const run = randomBytes(2).toString("hex");
const topology = `it-term-o${run}`;
const ada = `ada-${run}`;
let classId = "";
let adaToken = "";
let taToken = "";
let lab = "";

const url = (node: string) => `${base}/api/labs/${lab}/nodes/${node}/terminal`;

async function open(token: string, more: object = {}) {
  const terminal = new Terminal(url("alpha"), hello(token, 80, 24, more));
  return { terminal, ready: await terminal.ready };
}

async function shellPid(terminal: Terminal): Promise<string> {
  terminal.type('echo pid-"$(echo $$)"-end\r');
  return (await terminal.see(/pid-(\d+)-end/)).slice(4, -4);
}

beforeAll(async () => {
  h = await apiHarness(topology, { lifetime: { ttl: null, idleStop: null }, sweepEveryMs: 0 });
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const made = await apiRequest(h.app, "POST", "/api/classes", h.instructor, {
    name: `o${run}`,
    students: [{ name: "Ada", id: ada }],
    tas: [`t${run}`],
  });
  expect(made.statusCode).toBe(201);
  classId = made.json().id;
  adaToken = made.json().students[0].token;
  taToken = made.json().tas[0].token;
  lab = await createLab(h, adaToken);
}, 300_000);

afterAll(async () => {
  if (h) await cleanUp(h);
});

describe("signing out of open terminals", () => {
  it("closes a revoked student's terminal and kills its shell; the watcher is told", async () => {
    const owner = await open(adaToken);
    const pid = await shellPid(owner.terminal);
    const watcher = await open(taToken, { session: owner.ready.session, watch: true });
    const revoked = await apiRequest(h.app, "POST", `/api/users/${ada}/revoke`, h.instructor);
    expect(revoked.statusCode).toBe(200);
    expect(await owner.terminal.closed).toEqual({
      code: CLOSE.unauthorized,
      reason: REVOKED_REASON,
    });
    expect((await watcher.terminal.closed).code).toBe(CLOSE.gone);
    expect(await eventually(() => alive(h.engine, lab, "alpha", pid), false)).toBe(false);
    // The old token opens nothing, and says why.
    const refused = new Terminal(url("alpha"), hello(adaToken));
    expect(await refused.closed).toEqual({
      code: CLOSE.unauthorized,
      reason: "the token was revoked",
    });
  });

  it("lets a reissued token in, and closes its terminal at the next reissue", async () => {
    const first = (
      await apiRequest(h.app, "POST", `/api/users/${ada}/reissue`, h.instructor)
    ).json();
    const { terminal } = await open(first.token);
    await shellPid(terminal);
    const again = await apiRequest(h.app, "POST", `/api/users/${ada}/reissue`, h.instructor);
    expect(await terminal.closed).toEqual({ code: CLOSE.unauthorized, reason: REISSUED_REASON });
    adaToken = again.json().token;
  });

  it("closes a terminal whose class's term was moved into the past, at the next sweep", async () => {
    const { terminal } = await open(adaToken);
    await shellPid(terminal);
    const endsAt = new Date(Date.now() - 1000).toISOString();
    const moved = await apiRequest(h.app, "PATCH", `/api/classes/${classId}`, h.instructor, {
      endsAt,
    });
    expect(moved.statusCode).toBe(200);
    await h.app.sweeper.sweep();
    expect(await terminal.closed).toEqual({
      code: CLOSE.unauthorized,
      reason: `the token expired with its class's term (${endsAt})`,
    });
  });
});
