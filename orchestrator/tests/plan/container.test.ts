// The start script a node's container runs, run here under a real sh with its paths moved into a
// temporary folder: start commands in order, the ready check until it passes, then the marker.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  GATE_DIR,
  GATE_OPEN,
  OPEN_GATE_SCRIPT,
  READY_LOG,
  STARTED_MARKER,
  startCommand,
  waitReadyScript,
} from "../../src/plan/container.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Runs the script with /run/ moved to a temporary folder and the final wait cut short; its gate
 * open unless `gate` is shut (then it is given a second).
 */
function runStartScript(start: string[], ready: string | null, gate: "open" | "shut" = "open") {
  const dir = mkdtempSync(join(tmpdir(), "socketlab-start-"));
  dirs.push(dir);
  const at = (path: string) => join(dir, path.replace("/run/", ""));
  mkdirSync(at(GATE_DIR));
  if (gate === "open") writeFileSync(at(GATE_OPEN), "");
  const [, , script] = startCommand(start, ready);
  const local = (script as string)
    .replaceAll("/run/", `${dir}/`)
    .replaceAll("$RUN", dir)
    .replace("exec sleep infinity", "exit 0");
  const result = spawnSync("/bin/sh", ["-c", local], {
    encoding: "utf8",
    timeout: gate === "open" ? 10_000 : 1000,
  });
  return {
    status: result.status,
    started: existsSync(at(STARTED_MARKER)),
    readyLog: existsSync(at(READY_LOG)) ? readFileSync(at(READY_LOG), "utf8") : undefined,
    file: (name: string) => readFileSync(join(dir, name), "utf8"),
  };
}

describe("the start script", () => {
  it("runs nothing while its gate is shut", () => {
    const run = runStartScript(["echo ran >$RUN/order"], null, "shut");
    expect(run.status).toBeNull();
    expect(() => run.file("order")).toThrow();
    expect(run.started).toBe(false);
  });

  it("runs the start commands in order, then writes the marker", () => {
    const run = runStartScript(["echo one >$RUN/order", "echo two >>$RUN/order"], null);
    expect(run.status).toBe(0);
    expect(run.file("order")).toBe("one\ntwo\n");
    expect(run.started).toBe(true);
  });

  it("stops at the first failing start command, without the marker", () => {
    const run = runStartScript(["false", "echo never >$RUN/after"], null);
    expect(run.status).not.toBe(0);
    expect(run.started).toBe(false);
    expect(() => run.file("after")).toThrow();
  });

  it("repeats the ready check until it passes, keeping its last output", () => {
    // Passes on its third try; an `exit` in the check ends the check, not the script.
    const check =
      'n=$(cat $RUN/tries 2>/dev/null || echo 0); echo $((n + 1)) >$RUN/tries; echo "try $n"; [ "$n" -ge 2 ] || exit 1';
    const run = runStartScript(["true"], check);
    expect(run.status).toBe(0);
    expect(run.file("tries")).toBe("3\n");
    expect(run.readyLog).toBe("try 2\n");
    expect(run.started).toBe(true);
  });

  it("has no marker while the ready check fails", () => {
    const dir = mkdtempSync(join(tmpdir(), "socketlab-start-"));
    dirs.push(dir);
    const [, , script] = startCommand([], "echo not yet; exit 3");
    const local = (script as string).replaceAll("/run/", `${dir}/`);
    mkdirSync(join(dir, "socketlab-gate"));
    writeFileSync(join(dir, "socketlab-gate", "open"), "");
    // Still trying after a second: killed by the timeout, never started.
    spawnSync("/bin/sh", ["-c", local], { timeout: 1000 });
    expect(existsSync(join(dir, STARTED_MARKER.replace("/run/", "")))).toBe(false);
    expect(readFileSync(join(dir, "socketlab-ready.log"), "utf8")).toBe("not yet\n");
  });

  it("is valid sh for a check spanning lines", () => {
    const [, , script] = startCommand(["true"], "true &&\n  true");
    expect(() => execFileSync("/bin/sh", ["-n", "-c", script as string])).not.toThrow();
  });
});

/** A folder standing in for /run/, with the gate folder in it (shut). */
function runFolder() {
  const dir = mkdtempSync(join(tmpdir(), "socketlab-gate-"));
  dirs.push(dir);
  mkdirSync(join(dir, GATE_DIR.replace("/run/", "")));
  return { dir, local: (script: string) => script.replaceAll("/run/", `${dir}/`) };
}

/** Runs a script under sh in the background; resolves with its exit status. */
function background(script: string): { exited: Promise<number | null>; kill: () => void } {
  const child = spawn("/bin/sh", ["-c", script], { stdio: "ignore" });
  return {
    exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))),
    kill: () => child.kill("SIGKILL"),
  };
}

describe("the gate and readiness waits, blocked on FIFOs", () => {
  it("a start script waiting at its gate runs its commands once the gate is opened", async () => {
    const { dir, local } = runFolder();
    const script = local(startCommand(["echo ran >$RUN/order"], null)[2] as string)
      .replaceAll("$RUN", dir)
      .replace("exec sleep infinity", "exit 0");
    const node = background(script);
    // Shut: nothing runs (the script is blocked on its FIFO until the gate opens).
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(join(dir, "order"))).toBe(false);
    execFileSync("/bin/sh", ["-c", local(OPEN_GATE_SCRIPT)]);
    expect(await node.exited).toBe(0);
    expect(readFileSync(join(dir, "order"), "utf8")).toBe("ran\n");
  });

  it("the readiness wait opens the gate and ends once the start script writes the marker", async () => {
    const { dir, local } = runFolder();
    const node = background(
      local(startCommand(["true"], "[ -e $RUN/pass ]")[2] as string)
        .replaceAll("$RUN", dir)
        .replace("exec sleep infinity", "exit 0"),
    );
    const waiting = background(local(waitReadyScript(60)));
    // The check fails until `pass` exists: the wait goes on meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(existsSync(join(dir, GATE_OPEN.replace("/run/", "")))).toBe(true);
    writeFileSync(join(dir, "pass"), "");
    expect(await node.exited).toBe(0);
    expect(await waiting.exited).toBe(0);
  });

  it("the readiness wait ends at once when the node is already ready", () => {
    const { dir, local } = runFolder();
    writeFileSync(join(dir, STARTED_MARKER.replace("/run/", "")), "");
    const result = spawnSync("/bin/sh", ["-c", local(waitReadyScript(60))], { timeout: 10_000 });
    expect(result.status).toBe(0);
  });

  it("the readiness wait gives up (exit 1) at its bound when the node never gets ready", () => {
    const { local } = runFolder();
    const result = spawnSync("/bin/sh", ["-c", local(waitReadyScript(1))], { timeout: 10_000 });
    expect(result.status).toBe(1);
  });

  it("the readiness wait stops its bound once the node is ready: no sleep stays behind", async () => {
    const { dir, local } = runFolder();
    writeFileSync(join(dir, STARTED_MARKER.replace("/run/", "")), "");
    // A bound no other process on this machine is likely to sleep for.
    const bound = 86_399;
    const result = spawnSync("/bin/sh", ["-c", local(waitReadyScript(bound))], { timeout: 10_000 });
    expect(result.status).toBe(0);
    const sleeping = () =>
      spawnSync("pgrep", ["-f", `^sleep ${bound}$`], { encoding: "utf8" }).stdout.trim();
    // A killed process may take a moment to go.
    for (let i = 0; i < 50 && sleeping() !== ""; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sleeping()).toBe("");
  });
});
