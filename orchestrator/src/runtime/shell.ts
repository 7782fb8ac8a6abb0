// An interactive login shell in a container, with a TTY, as the node's lab user (root in an image
// that has no such account), that can be killed. Docker has no kill-exec API, and ExecInspect's
// Pid is the host's, not the container's: the shell gets a marker in its environment, which
// everything it starts inherits, and a second exec kills every process carrying it — the shell,
// its jobs, and what was nohup'd or disowned — with no file written (read-only root filesystems
// work too).
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Engine } from "./engine.ts";
import { execCapture } from "./exec.ts";

export interface Shell {
  /** The TTY's bytes both ways (no stdout/stderr multiplexing with a TTY). */
  stream: Duplex;
  /** Resolves when the shell has exited or the stream is gone. */
  ended: Promise<void>;
  /** The user the shell runs as. */
  user: string;
  /** The shell's exit status once it has ended (null when the engine does not know it). */
  exitCode(): Promise<number | null>;
  resize(cols: number, rows: number): Promise<void>;
  /** Kills the shell and what it runs, unless it has already ended. */
  kill(): Promise<void>;
}

const RESIZE_ATTEMPTS = 6;

/** The account's home, from the node's passwd database; null when it has no such user. */
async function homeOf(engine: Engine, container: string, user: string): Promise<string | null> {
  const entry = await execCapture(engine, container, ["getent", "passwd", user], 10_000).catch(
    () => null,
  );
  const home = entry?.exitCode === 0 ? entry.stdout.trim().split(":")[5] : undefined;
  return home ? home : null;
}

export async function openShell(
  engine: Engine,
  container: string,
  size: { cols: number; rows: number },
  /** The node's lab user (topology `user:`); root when the image has no such account. */
  wanted: string,
): Promise<Shell> {
  const marker = `SOCKETLAB_TERMINAL=${randomBytes(8).toString("hex")}`;
  const login = "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi";
  const home = await homeOf(engine, container, wanted);
  const user = home === null ? "root" : wanted;
  // The engine runs the exec as the user (and hands it the TTY, so that programs that open
  // /dev/tty, like ssh asking for a password, work); a login shell needs HOME, USER and its home
  // as working directory, which the engine does not set for an exec.
  const exec = await engine.getContainer(container).exec({
    Cmd: ["sh", "-c", login],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: true,
    User: user,
    WorkingDir: home ?? "/root",
    Env: [
      "TERM=xterm-256color",
      `HOME=${home ?? "/root"}`,
      `USER=${user}`,
      `LOGNAME=${user}`,
      marker,
    ],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
  // Listen at once, before any await: a shell can end before the resize below has returned.
  let done = false;
  const ended = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      resolve();
    };
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", finish);
  });

  // API 1.41 has no size at exec start; right after start the exec may not run yet, and the
  // engine refuses to resize it: retry with a growing delay.
  const resize = async (cols: number, rows: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await exec.resize({ w: cols, h: rows });
        return;
      } catch (error) {
        if (done || attempt + 1 >= RESIZE_ATTEMPTS) throw error;
        await sleep(20 * 2 ** attempt);
      }
    }
  };

  // A process's /proc/<pid>/environ is the block it started with: `unset` in the shell does not
  // remove the marker from it. The killing exec has no marker; the pattern is only its argument.
  // It runs as the shell's user: root without CAP_SYS_PTRACE (Docker's default) cannot read
  // another user's environ, and what the user ran through sudo has lost the marker anyway.
  const kill = async () => {
    const marked = `grep -ls '${marker}' /proc/[0-9]*/environ | sed 's|/proc/\\([0-9]*\\)/environ|\\1|'`;
    const script = `
      pids=$(${marked}); [ -n "$pids" ] || exit 0
      kill -HUP $pids 2>/dev/null
      for i in 1 2 3 4 5 6 7 8 9 10; do pids=$(${marked}); [ -n "$pids" ] || exit 0; sleep 0.1; done
      kill -KILL $pids 2>/dev/null; exit 0`;
    stream.destroy();
    await execCapture(engine, container, ["sh", "-c", script], 10_000, user);
  };

  try {
    await resize(size.cols, size.rows);
  } catch (error) {
    await kill();
    throw error;
  }
  // The stream can end a moment before the engine has recorded the exit.
  const exitCode = async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const state = await exec.inspect();
      if (!state.Running) return state.ExitCode ?? null;
      await sleep(50);
    }
    return null;
  };
  return { stream, ended, user, exitCode, resize, kill };
}
