// An interactive login shell in a container, with a TTY, as the node's lab user (root in an image
// that has no such account), that can be killed. Docker has no kill-exec API, and ExecInspect's
// Pid is the host's, not the container's: the shell gets a marker in its environment, which
// everything it starts inherits, and the kill starts from the processes carrying it (KILL_TREE).
// No file is written (read-only root filesystems work too).
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { GATE_CHECK } from "../plan/container.ts";
import type { ExecSession } from "./docker/port.ts";
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

// The engine sets HOME from the node's passwd database, but not the working directory. Nothing
// runs in a node whose host rules are not in place yet (GATE_CHECK).
const LOGIN =
  GATE_CHECK +
  '; cd "$HOME" 2>/dev/null; if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi';

/** Pids of the processes whose environment holds $marker and that the caller may read. */
const MARKED = `grep -lsF -- "$marker" /proc/[0-9]*/environ | sed 's|^/proc/||; s|/environ$||'`;

// Run as root, with the marker and the pids that carry it as arguments: the shell's processes are
// those pids, everything in their sessions (the shell is its session's leader: its jobs, and what
// they run through sudo, which resets the environment), and all their descendants (sudo's
// use_pty puts the command in a session of its own, under sudo). The set only grows from one
// round to the next: a sudo killed by the SIGHUP leaves its command to pid 1.
const KILL_TREE = `
members() {
  { echo "$seeds"; ${MARKED}; echo --; for f in /proc/[0-9]*/stat; do cat "$f" 2>/dev/null; echo; done; } |
  awk '
    $0 == "--" { table = 1; next }
    !table { for (i = 1; i <= NF; i++) seed[$i] = 1; next }
    # pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
    $1 ~ /^[0-9]+$/ {
      rest = $0; sub(/^.*\\) /, "", rest); split(rest, f, " ")
      if (f[1] == "Z") next
      pid[$1] = 1; ppid[$1] = f[2]; sid[$1] = f[4]
    }
    END {
      for (p in seed) if (p in pid && sid[p] > 1) session[sid[p]] = 1
      for (p in pid) if (p in seed || sid[p] in session) member[p] = 1
      do { grown = 0; for (p in pid) if (!(p in member) && ppid[p] in member) { member[p] = 1; grown = 1 } } while (grown)
      for (p in member) print p
    }'
}
marker=$1; seeds=$(shift; echo "$*"); pids=$(members); [ -n "$pids" ] || exit 0
kill -HUP $pids 2>/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do
  seeds="$seeds $pids"; pids=$(members); [ -n "$pids" ] || exit 0; sleep 0.1
done
kill -KILL $pids 2>/dev/null; exit 0`;

interface Started {
  exec: ExecSession;
  stream: Duplex;
  ended: Promise<void>;
  done(): boolean;
}

async function startShell(
  engine: Engine,
  container: string,
  user: string,
  marker: string,
): Promise<Started> {
  // The engine runs the exec as the user, with the TTY (programs that open /dev/tty, like ssh
  // asking for a password, work); a login shell needs USER and LOGNAME too.
  const exec = await engine.exec.start(container, {
    command: ["sh", "-c", LOGIN],
    tty: true,
    stdin: true,
    user,
    env: ["TERM=xterm-256color", `USER=${user}`, `LOGNAME=${user}`, marker],
  });
  const { stream } = exec;
  // Listen at once, before any await: a shell can end before its first resize has returned.
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
  return { exec, stream, ended, done: () => done };
}

/** Whether the exec has ended without its process ever starting (the engine found no such user). */
async function neverStarted(started: Started): Promise<boolean> {
  const state = await started.exec.inspect();
  return !state.Running && !state.Pid && state.ExitCode !== null;
}

/**
 * Waits for the exec's process to run, that is for its first resize; false when the engine never
 * started it. The engine holds a resize until the exec runs, for 10 s when it never will (and the
 * stream's end is only seen once its output is read): a resize that takes long has the engine
 * asked, every 100 ms, whether the exec failed to start.
 */
async function running(started: Started, firstResize: Promise<void>): Promise<boolean> {
  let settled = false;
  const resized = firstResize.then(
    () => true,
    () => false,
  );
  void resized.then(() => {
    settled = true;
  });
  for (let wait = 250; !settled; wait = 100) {
    await Promise.race([resized, sleep(wait)]);
    if (settled) break;
    // An engine that does not answer now tells nothing: the resize decides.
    const failed = neverStarted(started).catch(() => false);
    if (await Promise.race([failed, resized.then(() => false)])) return false;
  }
  try {
    await firstResize;
    return true;
  } catch (error) {
    if (await neverStarted(started)) return false;
    throw error;
  }
}

export async function openShell(
  engine: Engine,
  container: string,
  size: { cols: number; rows: number },
  /** The node's lab user (topology `user:`); root when the image has no such account. */
  wanted: string,
): Promise<Shell> {
  const marker = `SOCKETLAB_TERMINAL=${randomBytes(8).toString("hex")}`;

  // API 1.41 has no size at exec start; right after start the exec may not run yet, and the
  // engine refuses to resize it: retry with a growing delay.
  const resizer =
    (started: Started) =>
    async (cols: number, rows: number): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        try {
          await started.exec.resize(cols, rows);
          return;
        } catch (error) {
          if (started.done() || attempt + 1 >= RESIZE_ATTEMPTS) throw error;
          await sleep(20 * 2 ** attempt);
        }
      }
    };

  // Killing as root: root may signal the processes the user ran through sudo. Root without
  // CAP_SYS_PTRACE (Docker's default) may not read another user's /proc/<pid>/environ, though:
  // the user's own exec finds the marked processes first.
  const killer = (started: Started, user: string) => async (): Promise<void> => {
    started.stream.destroy();
    let marked: string[] = [];
    if (user !== "root") {
      const found = await execCapture(
        engine,
        container,
        ["sh", "-c", `marker=$1; ${MARKED}`, "sh", marker],
        { timeoutMs: 10_000, user },
      );
      marked = found.stdout.split(/\s+/).filter((pid) => /^[0-9]+$/.test(pid));
    }
    await execCapture(engine, container, ["sh", "-c", KILL_TREE, "sh", marker, ...marked], {
      timeoutMs: 10_000,
      user: "root",
    });
  };

  /** The shell as `user`, running at the asked size; null when the node has no such user. */
  const launch = async (user: string): Promise<Started | null> => {
    const started = await startShell(engine, container, user, marker);
    try {
      if (await running(started, resizer(started)(size.cols, size.rows))) return started;
      started.stream.destroy();
      return null;
    } catch (error) {
      await killer(started, user)();
      throw error;
    }
  };
  // One exec as the wanted user, and a second as root only when the engine found no such account:
  // no look-up before the shell.
  let user = wanted;
  let started = await launch(user);
  if (started === null && user !== "root") {
    user = "root";
    started = await launch(user);
  }
  if (started === null) throw new Error(`no shell could be started as ${user} in ${container}`);
  const { exec, stream, ended } = started;
  // The stream can end a moment before the engine has recorded the exit.
  const exitCode = async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const state = await exec.inspect();
      if (!state.Running) return state.ExitCode ?? null;
      await sleep(50);
    }
    return null;
  };
  return { stream, ended, user, exitCode, resize: resizer(started), kill: killer(started, user) };
}
