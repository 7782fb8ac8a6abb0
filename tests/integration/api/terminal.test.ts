// Terminals over a WebSocket on the real engine, with a real client on a loopback-listening app:
// echo, resize, a UTF-8 character split across reads, no shell left behind after a disconnect
// (once its grace period is over), nor what it ran through sudo, nor a shell whose session could
// not start; and who may attach: another student's node, no token and a bad token are refused
// before anything runs in the node.
// Sessions, watchers and recordings: terminal-sessions.test.ts.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import { nodeContainer } from "../../../orchestrator/src/labs/lifecycle.ts";
import { CLOSE } from "../../../orchestrator/src/terminals/protocol.ts";
import { bearer } from "../../support/api.ts";
import { docker } from "../engine.ts";
import { type ApiHarness, apiHarness, cleanUp, createLab } from "./app.ts";
import { eventually, hello, running as runningIn, Terminal, written } from "./terminal-client.ts";

let h: ApiHarness;
let base = "";
const run = randomBytes(2).toString("hex");
const topology = `it-term-${run}`;
const tokens: Record<string, string> = {};
const labs: Record<string, string> = {};

const url = (lab: string, node: string, server = base) =>
  `${server}/api/labs/${lab}/nodes/${node}/terminal`;

async function openTerminal(lab: string, node: string, token: string, cols = 80, rows = 24) {
  const terminal = new Terminal(url(lab, node), hello(token, cols, rows));
  await terminal.ready;
  return terminal;
}

const running = (lab: string, node: string, prefix: string) =>
  runningIn(h.engine, lab, node, prefix);

/** Login shells opened by terminals in the node. */
const shells = (lab: string, node: string) => running(lab, node, "bash -l");

async function execIds(lab: string, node: string): Promise<string[]> {
  const container = await nodeContainer(h.engine, lab, node);
  return (await docker.getContainer(container).inspect()).ExecIDs ?? [];
}

beforeAll(async () => {
  // A short grace period: a shell outlives its last socket that long (terminal-sessions.test.ts).
  h = await apiHarness(topology, { terminals: { graceMs: 1_000 } });
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  base = `ws://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  const response = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: {
      name: `t${run}`,
      students: [
        { name: "a", id: `ta-${run}` },
        { name: "b", id: `tb-${run}` },
      ],
    },
  });
  expect(response.statusCode).toBe(201);
  const students = response.json().students as { token: string }[];
  tokens.a = students[0]?.token as string;
  tokens.b = students[1]?.token as string;
  for (const who of ["a", "b"]) labs[who] = await createLab(h, tokens[who] as string);
}, 300_000);

afterAll(async () => {
  if (h) await cleanUp(h);
});

describe("a node's terminal", () => {
  it("runs what is typed and shows its output", async () => {
    const terminal = await openTerminal(labs.a as string, "alpha", tokens.a as string);
    terminal.type("echo hi-$((6*7))\r");
    await terminal.see("hi-42");
    terminal.socket.close();
    await terminal.closed;
  });

  it("has the hello's size, and follows a resize", async () => {
    const terminal = await openTerminal(labs.a as string, "alpha", tokens.a as string, 91, 27);
    terminal.type("stty size\r");
    await terminal.see("27 91");
    terminal.socket.send(JSON.stringify({ type: "resize", cols: 132, rows: 43 }));
    terminal.type("stty size\r");
    await terminal.see("43 132");
    terminal.socket.close();
    await terminal.closed;
  });

  it("passes a UTF-8 character split across two writes as bytes, whole", async () => {
    const terminal = await openTerminal(labs.a as string, "alpha", tokens.a as string);
    // The marker keeps the echoed command line from matching: only the output has "<€>".
    terminal.type("printf '<\\342\\202'; sleep 0.3; printf '\\254>\\n'\r");
    await terminal.see("<€>");
    const euro = Buffer.from("<€>");
    expect(terminal.output().includes(euro)).toBe(true);
    // No replacement character: nothing was decoded on the way.
    expect(terminal.output().toString("utf8")).not.toContain("\ufffd");
    terminal.socket.close();
    await terminal.closed;
  });

  it("pauses a flood the client does not read, and still takes Ctrl-C", async () => {
    const lab = labs.a as string;
    const terminal = await openTerminal(lab, "alpha", tokens.a as string);
    terminal.socket.pause();
    terminal.type("yes flood\r");
    // What `yes` has written stops growing only when the service has paused the exec's stream.
    let previous = -1;
    const stalled = await eventually(async () => {
      const now = await written(h.engine, lab, "alpha", "yes flood");
      const same = now > 0 && now === previous;
      previous = now;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return same;
    }, true);
    expect(stalled).toBe(true);
    terminal.type("\x03");
    terminal.socket.resume();
    terminal.type("echo after-$((5*5))\r");
    await terminal.see("after-25", 30_000);
    expect(await running(lab, "alpha", "yes flood")).toBe(0);
    terminal.socket.close();
    await terminal.closed;
  }, 60_000);

  it("leaves no shell behind once the grace period after the socket closes is over", async () => {
    const lab = labs.a as string;
    const before = await eventually(() => shells(lab, "beta"), 0);
    expect(before).toBe(0);
    const terminal = await openTerminal(lab, "beta", tokens.a as string);
    // A foreground job and a job that ignores hangups: both must go with the shell.
    // `$((...))` keeps the echoed command line from matching: "started-10" is the output.
    terminal.type("nohup sleep 4545 >/dev/null 2>&1 & echo started-$((2*5)); sleep 4242\r");
    await terminal.see("started-10");
    expect(await shells(lab, "beta")).toBe(1);
    expect(await running(lab, "beta", "sleep 4242")).toBe(1);
    expect(await running(lab, "beta", "sleep 4545")).toBe(1);
    terminal.socket.close();
    await terminal.closed;
    expect(await eventually(() => shells(lab, "beta"), 0)).toBe(0);
    expect(await eventually(() => running(lab, "beta", "sleep 4242"), 0)).toBe(0);
    expect(await eventually(() => running(lab, "beta", "sleep 4545"), 0)).toBe(0);
  });

  it("kills what the lab user ran through sudo, nohup'd or not, once the session has ended", async () => {
    const lab = labs.a as string;
    const terminal = await openTerminal(lab, "alpha", tokens.a as string);
    // sudo drops the shell's environment, and with use_pty (Debian's default) runs the command
    // in a session and on a TTY of its own.
    terminal.type("sudo sleep 1000 & sudo nohup sleep 1001 >/dev/null 2>&1 & echo sudo-$((6*7))\r");
    await terminal.see("sudo-42");
    expect(await eventually(() => running(lab, "alpha", "sleep 1000 "), 1)).toBe(1);
    expect(await eventually(() => running(lab, "alpha", "sleep 1001 "), 1)).toBe(1);
    terminal.socket.close();
    await terminal.closed;
    expect(await eventually(() => shells(lab, "alpha"), 0)).toBe(0);
    expect(await eventually(() => running(lab, "alpha", "sleep 1000 "), 0)).toBe(0);
    expect(await eventually(() => running(lab, "alpha", "sleep 1001 "), 0)).toBe(0);
    expect(await eventually(() => running(lab, "alpha", "sudo "), 0)).toBe(0);
  });

  it("kills its shells, open or in their grace period, before a stopping service returns", async () => {
    // A second service on the same engine (60 s of grace, the default); its own instructor may
    // open any lab's terminal.
    const other = await buildApp({
      engine: h.engine,
      dataDir: ":memory:",
      libraryDir: h.libraryDir,
      sweepEveryMs: 0,
    });
    const token = ensureInstructor(other.db) as string;
    await other.listen({ port: 0, host: "127.0.0.1" });
    const server = `ws://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
    const lab = labs.a as string;
    const terminal = new Terminal(url(lab, "gamma", server), hello(token));
    await terminal.ready;
    terminal.type("echo started-$((3*3)); sleep 4343\r");
    await terminal.see("started-9");
    expect(await running(lab, "gamma", "sleep 4343")).toBe(1);
    // A second shell whose socket has closed: it waits for a reconnect.
    const left = new Terminal(url(lab, "gamma", server), hello(token));
    await left.ready;
    left.type("echo started-$((4*4)); sleep 4444\r");
    await left.see("started-16");
    await left.close();
    expect(await running(lab, "gamma", "sleep 4444")).toBe(1);
    await other.close();
    expect(await shells(lab, "gamma")).toBe(0);
    expect(await running(lab, "gamma", "sleep 4343")).toBe(0);
    expect(await running(lab, "gamma", "sleep 4444")).toBe(0);
    // Closed by the stopping service: the WebSocket plugin closes its sockets first, with no code.
    expect((await terminal.closed).code).toBe(1005);
  });

  it("kills the shell it opened when its session cannot start", async () => {
    // A second service whose recordings folder cannot be made (its parent is a regular file):
    // starting the session's recording throws once the shell is already open in the node.
    const dir = await mkdtemp(join(tmpdir(), "sl-it-norecordings-"));
    await writeFile(join(dir, "file"), "");
    const other = await buildApp({
      engine: h.engine,
      dataDir: ":memory:",
      libraryDir: h.libraryDir,
      sweepEveryMs: 0,
      terminals: { recordingsDir: join(dir, "file", "recordings") },
    });
    try {
      const token = ensureInstructor(other.db) as string;
      await other.listen({ port: 0, host: "127.0.0.1" });
      const server = `ws://127.0.0.1:${(other.server.address() as AddressInfo).port}`;
      const lab = labs.a as string;
      expect(await eventually(() => shells(lab, "beta"), 0)).toBe(0);
      const terminal = new Terminal(url(lab, "beta", server), hello(token));
      expect((await terminal.closed).code).toBe(CLOSE.internal);
      expect(await eventually(() => shells(lab, "beta"), 0)).toBe(0);
    } finally {
      await other.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("closes with 1000 when the shell exits", async () => {
    const terminal = await openTerminal(labs.a as string, "alpha", tokens.a as string);
    terminal.type("exit\r");
    expect((await terminal.closed).code).toBe(CLOSE.normal);
  });
});

describe("who may attach", () => {
  it("refuses another student's node as not found, and runs nothing in it", async () => {
    const lab = labs.b as string;
    const execsBefore = await execIds(lab, "alpha");
    const terminal = new Terminal(url(lab, "alpha"), hello(tokens.a as string));
    const closed = await terminal.closed;
    expect(closed.code).toBe(CLOSE.notFound);
    expect(closed.reason).toContain("not found");
    expect(await execIds(lab, "alpha")).toEqual(execsBefore);
    expect(await shells(lab, "alpha")).toBe(0);
    // The owner gets in: the refusal above was about who asked.
    const owner = await openTerminal(lab, "alpha", tokens.b as string);
    owner.type("echo mine-$((2*3))\r");
    await owner.see("mine-6");
    owner.socket.close();
    await owner.closed;
  });

  it("refuses a bad token with 4401", async () => {
    const terminal = new Terminal(
      url(labs.a as string, "alpha"),
      hello(`slt_${"0".repeat(16)}_${"A".repeat(43)}`),
    );
    expect((await terminal.closed).code).toBe(CLOSE.unauthorized);
  });

  it("refuses an empty token with 4401", async () => {
    const terminal = new Terminal(url(labs.a as string, "alpha"), hello(""));
    expect((await terminal.closed).code).toBe(CLOSE.unauthorized);
  });

  it("refuses a first message that is not a hello, and keystrokes before it", async () => {
    const terminal = new Terminal(url(labs.a as string, "alpha"), null);
    terminal.socket.on("open", () => terminal.type("id\r"));
    expect((await terminal.closed).code).toBe(CLOSE.badRequest);
    expect(terminal.chunks).toHaveLength(0);
  });

  it("refuses a node the lab does not have", async () => {
    const terminal = new Terminal(url(labs.a as string, "nosuchnode"), hello(tokens.a as string));
    expect((await terminal.closed).code).toBe(CLOSE.refused);
  });
});
