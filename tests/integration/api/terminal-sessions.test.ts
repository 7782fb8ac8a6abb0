// Terminal sessions on the real engine (protocol v2, terminals/protocol.ts): they outlive their
// sockets for a grace period and replay the recent screen; TAs and instructors watch and take
// control; a slow watcher is dropped while the owner keeps working; only the owner's size
// applies; every session is recorded as asciicast v2, kept for 30 days after it ended (the app's
// clock is moved, not waited for); shells run as the lab user `student`, or root where the
// topology says so or the image has no such account.
import { randomBytes } from "node:crypto";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAudit } from "../../../orchestrator/src/store/audit.ts";
import { recordingById } from "../../../orchestrator/src/store/recordings.ts";
import { CLOSE } from "../../../orchestrator/src/terminals/protocol.ts";
import { bearer } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp, createLab } from "./app.ts";
import { alive, hello, running, sleep, Terminal } from "./terminal-client.ts";

let h: ApiHarness;
let base = "";
let recordingsDir = "";
const run = randomBytes(2).toString("hex");
const topology = `it-term-s${run}`;
/** Students a and b and TA ta of one class; TA other of another class. */
const tokens: Record<string, string> = {};
const logins: Record<string, string> = {};
const labs: Record<string, string> = {};
const GRACE_MS = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** How far the app's clock is ahead of the real one. */
let skew = 0;

const url = (lab: string, node: string) => `${base}/api/labs/${lab}/nodes/${node}/terminal`;

async function open(
  lab: string,
  node: string,
  token: string,
  more: object = {},
  cols = 80,
  rows = 24,
) {
  const terminal = new Terminal(url(lab, node), hello(token, cols, rows, more));
  const ready = await terminal.ready;
  return { terminal, ready };
}

/** Runs `command` in the terminal and returns the line it printed after `tag-`. */
async function ask(terminal: Terminal, tag: string, command: string): Promise<string> {
  terminal.type(`echo ${tag}-"$(${command})"-end\r`);
  // The echoed command line has `$(`: only the output matches.
  return (await terminal.see(new RegExp(`${tag}-([^$\\r\\n]*)-end`))).slice(tag.length + 1, -4);
}

async function createClass(name: string, students: string[], tas: string[]) {
  const response = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: { name, students: students.map((s) => ({ name: s, id: `${s}-${run}` })), tas },
  });
  expect(response.statusCode).toBe(201);
  const body = response.json() as {
    students: { login: string; token: string }[];
    tas: { login: string; token: string }[];
  };
  for (const [i, who] of students.entries()) {
    tokens[who] = body.students[i]?.token as string;
    logins[who] = body.students[i]?.login as string;
  }
  for (const [i, who] of tas.entries()) {
    tokens[who] = body.tas[i]?.token as string;
    logins[who] = body.tas[i]?.login as string;
  }
}

beforeAll(async () => {
  recordingsDir = await mkdtemp(join(tmpdir(), "sl-it-recordings-"));
  // Labs that never expire nor idle: moving the clock sweeps recordings only.
  h = await apiHarness(topology, {
    terminals: { graceMs: GRACE_MS, recordInput: true, recordingsDir },
    lifetime: { ttl: null, idleStop: null },
    now: () => Date.now() + skew,
    sweepEveryMs: 0,
  });
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  // gamma's terminals log in as root (topology `user:`), beta's as an account its image does not
  // have (so as root too), alpha's as student.
  const file = join(h.libraryDir, topology, "topology.yaml");
  await writeFile(
    file,
    (await readFile(file, "utf8"))
      .replace("  gamma:\n", "  gamma:\n    user: root\n")
      .replace("  beta:\n", "  beta:\n    user: ghost\n"),
  );
  await createClass(`s${run}`, ["a", "b"], ["ta"]);
  await createClass(`o${run}`, ["c"], ["other"]);
  tokens.instructor = h.instructor;
  logins.instructor = "instructor";
  for (const who of ["a", "b"]) labs[who] = await createLab(h, tokens[who] as string);
}, 300_000);

afterAll(async () => {
  if (h) await cleanUp(h);
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

describe("a session outlives its socket", () => {
  it("gives a reconnect within the grace period the same shell, with the recent screen", async () => {
    const lab = labs.a as string;
    const first = await open(lab, "alpha", tokens.a as string);
    expect(first.ready).toMatchObject({ type: "ready", mode: "control" });
    const session = first.ready.session as string;
    expect(session).toMatch(/^[0-9a-f]{32}$/);
    const pid = await ask(first.terminal, "pid", "echo $$");
    first.terminal.type("echo before-$((20+22))\r");
    await first.terminal.see("before-42");
    await first.terminal.close();

    const second = await open(lab, "alpha", tokens.a as string, { session });
    expect(second.ready).toEqual({ type: "ready", session, mode: "control" });
    // The replay comes before any live output.
    await second.terminal.see("before-42");
    expect(await ask(second.terminal, "again", "echo $$")).toBe(pid);
    await second.terminal.close();
  });

  it("kills the shell once the grace period is over; the session is then gone (4410)", async () => {
    const lab = labs.a as string;
    const { terminal, ready } = await open(lab, "beta", tokens.a as string);
    const pid = await ask(terminal, "pid", "echo $$");
    expect(await alive(h.engine, lab, "beta", pid)).toBe(true);
    await terminal.close();
    let gone = false;
    for (let i = 0; i < 150 && !gone; i++) {
      gone = !(await alive(h.engine, lab, "beta", pid));
      if (!gone) await sleep(100);
    }
    expect(gone).toBe(true);
    const late = new Terminal(
      url(lab, "beta"),
      hello(tokens.a as string, 80, 24, { session: ready.session }),
    );
    expect((await late.closed).code).toBe(CLOSE.gone);
  });

  it("lists the lab's live sessions to its owner and its TA, not to another student", async () => {
    const lab = labs.a as string;
    const { terminal, ready } = await open(lab, "alpha", tokens.a as string);
    for (const who of ["a", "ta", "instructor"]) {
      const response = await h.app.inject({
        url: `/api/labs/${lab}/terminals`,
        headers: bearer(tokens[who] as string),
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toContainEqual({
        session: ready.session,
        node: "alpha",
        owner: logins.a,
        startedAt: expect.any(String),
        viewers: 1,
      });
    }
    for (const who of ["b", "other"]) {
      const response = await h.app.inject({
        url: `/api/labs/${lab}/terminals`,
        headers: bearer(tokens[who] as string),
      });
      expect(response.statusCode).toBe(404);
    }
    await terminal.close();
  });

  it("runs the shell as the node's lab user: student, in its home, with sudo; or root, also for an account the image lacks", async () => {
    const { terminal } = await open(labs.a as string, "alpha", tokens.a as string);
    expect(await ask(terminal, "who", "id -un")).toBe("student");
    expect(await ask(terminal, "home", "pwd")).toBe("/home/student");
    expect(await ask(terminal, "root", "sudo -n id -u")).toBe("0");
    await terminal.close();
    const other = await open(labs.a as string, "gamma", tokens.a as string);
    expect(await ask(other.terminal, "who", "id -un")).toBe("root");
    expect(await ask(other.terminal, "home", "pwd")).toBe("/root");
    await other.terminal.close();
    const lacking = await open(labs.a as string, "beta", tokens.a as string);
    expect(await ask(lacking.terminal, "who", "id -un")).toBe("root");
    expect(await ask(lacking.terminal, "home", "pwd")).toBe("/root");
    await lacking.terminal.close();
  });

  it("holds output while the client asks for a pause, and sends it on resume", async () => {
    const { terminal } = await open(labs.a as string, "alpha", tokens.a as string);
    terminal.send({ type: "pause" });
    terminal.type("echo held-$((9*9))\r");
    await sleep(500);
    expect(terminal.output().toString()).not.toContain("held-81");
    terminal.send({ type: "resume" });
    await terminal.see("held-81");
    await terminal.close();
  });
});

describe("watchers", () => {
  it("see the owner's output, and their keystrokes and sizes are ignored", async () => {
    const lab = labs.a as string;
    const owner = await open(lab, "alpha", tokens.a as string, {}, 80, 24);
    owner.terminal.type("echo earlier-$((3*3))\r");
    await owner.terminal.see("earlier-9");
    const session = owner.ready.session as string;
    const watcher = await open(
      lab,
      "alpha",
      tokens.instructor as string,
      { session, watch: true },
      200,
      60,
    );
    expect(watcher.ready).toEqual({ type: "ready", session, mode: "watch" });
    await watcher.terminal.see("earlier-9"); // replayed
    await owner.terminal.message(
      (m) =>
        m.type === "viewers" &&
        JSON.stringify(m.viewers) ===
          JSON.stringify([
            { login: logins.a, role: "student", mode: "control" },
            { login: "instructor", role: "instructor", mode: "watch" },
          ]),
    );
    owner.terminal.type("echo own-$((4*4))\r");
    await watcher.terminal.see("own-16");

    watcher.terminal.type("echo watcher-$((5*5))\r");
    watcher.terminal.send({ type: "resize", cols: 150, rows: 50 });
    expect(await ask(owner.terminal, "size", "stty size")).toBe("24 80");
    expect(owner.terminal.output().toString()).not.toContain("watcher");
    owner.terminal.send({ type: "resize", cols: 100, rows: 30 });
    expect(await ask(owner.terminal, "resized", "stty size")).toBe("30 100");
    await watcher.terminal.close();
    await owner.terminal.close();
  });

  it("refuses a student watching another student's session, and a TA of another class", async () => {
    const lab = labs.a as string;
    const owner = await open(lab, "alpha", tokens.a as string);
    const session = owner.ready.session as string;
    for (const [who, watch] of [
      ["b", true],
      ["b", false],
      ["other", true],
    ] as const) {
      const intruder = new Terminal(
        url(lab, "alpha"),
        hello(tokens[who] as string, 80, 24, { session, watch }),
      );
      expect((await intruder.closed).code).toBe(CLOSE.notFound);
    }
    // On the student's own lab, a session an instructor opened is not the student's to drive.
    const staff = await open(lab, "alpha", tokens.instructor as string);
    const notYours = new Terminal(
      url(lab, "alpha"),
      hello(tokens.a as string, 80, 24, { session: staff.ready.session }),
    );
    expect((await notYours.closed).code).toBe(CLOSE.forbidden);
    await staff.terminal.close();
    await owner.terminal.close();
  });

  it("lets the class's TA take control and type, then give it back", async () => {
    const lab = labs.a as string;
    const owner = await open(lab, "alpha", tokens.a as string);
    const session = owner.ready.session as string;
    const ta = await open(lab, "alpha", tokens.ta as string, { session, watch: true });
    expect(ta.ready.mode).toBe("watch");
    ta.terminal.send({ type: "take-control" });
    await ta.terminal.message((m) => m.type === "mode" && m.mode === "control");
    ta.terminal.type("echo ta-$((7*7))\r");
    await owner.terminal.see("ta-49");
    await owner.terminal.message(
      (m) =>
        m.type === "viewers" &&
        JSON.stringify(m.viewers).includes(
          JSON.stringify({ login: logins.ta, role: "ta", mode: "control" }),
        ),
    );
    ta.terminal.send({ type: "release-control" });
    await ta.terminal.message((m) => m.type === "mode" && m.mode === "watch");
    ta.terminal.type("echo ignored-$((8*8))\r");
    owner.terminal.type("echo mark-$((6*6))\r");
    await owner.terminal.see("mark-36");
    expect(owner.terminal.output().toString()).not.toContain("ignored");
    const actions = readAudit(h.app.db, 1000)
      .filter((r) => (r.detail as { session?: string } | null)?.session === session)
      .map((r) => `${r.actor} ${r.action} ${r.target}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        `${logins.a} terminal.open ${lab}`,
        `${logins.ta} terminal.watch ${lab}`,
        `${logins.ta} terminal.take-control ${lab}`,
      ]),
    );
    await ta.terminal.close();
    await owner.terminal.close();
  });

  it("drops a watcher that stops reading (4429) while the owner keeps working", async () => {
    const lab = labs.b as string;
    const owner = await open(lab, "alpha", tokens.b as string);
    const session = owner.ready.session as string;
    const watcher = await open(lab, "alpha", tokens.instructor as string, { session, watch: true });
    watcher.terminal.socket.pause();
    const alone = JSON.stringify([{ login: logins.b, role: "student", mode: "control" }]);
    const messagesBefore = owner.terminal.messages.length;
    owner.terminal.type("yes slow-watcher-flood\r");
    // The owner is told when the watcher is dropped: its output outgrew the watcher's limit.
    await owner.terminal.message(
      (m) =>
        owner.terminal.messages.indexOf(m) >= messagesBefore &&
        m.type === "viewers" &&
        JSON.stringify(m.viewers) === alone,
      90_000,
    );
    // The watcher reads again: what was queued for it, then the close (ws waits 30 s for it).
    watcher.terminal.socket.resume();
    owner.terminal.type("\x03");
    owner.terminal.type("echo still-$((8*8))\r");
    await owner.terminal.see("still-64", 60_000);
    expect(await running(h.engine, lab, "alpha", "yes slow-watcher-flood")).toBe(0);
    expect((await watcher.terminal.closed).code).toBe(CLOSE.tooSlow);
    await owner.terminal.close();
  }, 180_000);
});

describe("recordings", () => {
  it("records a session as asciicast v2, for instructors and the class's TA only", async () => {
    const lab = labs.a as string;
    const { terminal, ready } = await open(lab, "gamma", tokens.a as string, {}, 90, 30);
    terminal.type("echo recorded-$((11*11))\r");
    await terminal.see("recorded-121");
    terminal.type("exit 3\r");
    await terminal.message((m) => m.type === "exit");
    expect(terminal.messages.find((m) => m.type === "exit")).toEqual({ type: "exit", code: 3 });
    expect((await terminal.closed).code).toBe(CLOSE.normal);

    const list = async (who: string) =>
      h.app.inject({ url: `/api/recordings?lab=${lab}`, headers: bearer(tokens[who] as string) });
    let entry: Record<string, unknown> | undefined;
    for (let i = 0; i < 50 && !entry?.endedAt; i++) {
      const response = await list("instructor");
      expect(response.statusCode).toBe(200);
      entry = (response.json() as Record<string, unknown>[]).find((r) => r.id === ready.session);
      if (!entry?.endedAt) await sleep(100);
    }
    expect(entry).toMatchObject({ lab, node: "gamma", owner: logins.a, truncated: false });
    expect(entry?.bytes).toBeGreaterThan(0);
    expect((await list("ta")).json()).toContainEqual(entry);
    expect((await list("other")).json()).not.toContainEqual(entry);
    expect((await list("a")).statusCode).toBe(403);

    const download = (who: string) =>
      h.app.inject({
        url: `/api/recordings/${ready.session}`,
        headers: bearer(tokens[who] as string),
      });
    const response = await download("instructor");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/x-asciicast");
    expect(response.rawPayload.length).toBe(entry?.bytes);
    const [headerLine, ...eventLines] = response.payload.trimEnd().split("\n");
    const header = JSON.parse(headerLine as string);
    expect(header).toMatchObject({
      version: 2,
      width: 90,
      height: 30,
      env: { TERM: "xterm-256color" },
    });
    expect(Number.isInteger(header.timestamp)).toBe(true);
    const events = eventLines.map((line) => JSON.parse(line) as [number, string, string]);
    let last = 0;
    for (const [time, code, data] of events) {
      expect(time).toBeGreaterThanOrEqual(last);
      expect(["o", "i", "r"]).toContain(code);
      expect(typeof data).toBe("string");
      last = time;
    }
    const output = events
      .filter((e) => e[1] === "o")
      .map((e) => e[2])
      .join("");
    expect(output).toContain("recorded-121");
    // This service records input too (recordInput): the keystrokes, as typed.
    const input = events
      .filter((e) => e[1] === "i")
      .map((e) => e[2])
      .join("");
    expect(input).toContain("echo recorded-$((11*11))\r");

    expect((await download("ta")).statusCode).toBe(200);
    expect((await download("other")).statusCode).toBe(404);
    expect((await download("a")).statusCode).toBe(403);
    expect((await download("b")).statusCode).toBe(403);
  });

  it("deletes a recording, file and row, once it ended more than 30 days ago", async () => {
    const { terminal, ready } = await open(labs.a as string, "alpha", tokens.a as string);
    terminal.type("exit\r");
    expect((await terminal.closed).code).toBe(CLOSE.normal);
    const id = ready.session as string;
    for (let i = 0; i < 50 && !recordingById(h.app.db, id)?.endedAt; i++) await sleep(100);
    const path = recordingById(h.app.db, id)?.path as string;
    await access(path);
    const download = () =>
      h.app.inject({ url: `/api/recordings/${id}`, headers: bearer(h.instructor) });
    try {
      skew = 29 * DAY_MS;
      await h.app.sweeper.sweep();
      expect((await download()).statusCode).toBe(200);
      skew = 31 * DAY_MS;
      await h.app.sweeper.sweep();
      expect(recordingById(h.app.db, id)).toBeNull();
      await expect(access(path)).rejects.toThrow(/ENOENT/);
      expect((await download()).statusCode).toBe(404);
    } finally {
      skew = 0;
    }
  });
});
