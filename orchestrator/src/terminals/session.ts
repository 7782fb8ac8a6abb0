// One terminal over a WebSocket: waits for the hello, lets `admit` check the token and the lab,
// opens the shell only then, and pumps bytes both ways (see api/schemas/terminal.ts for the
// protocol). When either side ends, the other is ended too: no shell outlives its socket.
import type { RawData, WebSocket } from "ws";
import { CLOSE, controlMessage, helloMessage } from "../api/schemas/terminal.ts";
import type { Shell } from "../runtime/shell.ts";

/** A refusal to open the terminal, with the close code and a message for the user. */
export class TerminalRefused extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export interface SessionOptions {
  /** Checks the token and the lab, then opens the shell; throws TerminalRefused to refuse. */
  open(token: string, size: { cols: number; rows: number }): Promise<Shell>;
  /** Marks the lab active (throttled here). */
  touch(): void;
  log(error: unknown, message: string): void;
  helloTimeoutMs?: number;
  /** Output bytes waiting for the client above which the shell's output is paused. */
  highWatermark?: number;
  lowWatermark?: number;
  pingEveryMs?: number;
  touchEveryMs?: number;
}

/** Close reasons are at most 123 bytes. */
const reason = (text: string) => Buffer.from(text).subarray(0, 123).toString();

const asBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

/** Runs the session; resolves once the socket has closed and the shell is gone. */
export function runSession(socket: WebSocket, options: SessionOptions): Promise<void> {
  let shell: Shell | null = null;
  let started = false;
  let closed = false;
  let lastTouch = 0;
  // Everything after the hello runs in arrival order, after the shell has opened: keystrokes
  // typed before it runs are not lost, and a keystroke after a resize sees the new size.
  let inOrder: Promise<void> = Promise.resolve();
  const then = (step: (current: Shell) => Promise<void> | void) => {
    inOrder = inOrder
      .then(() => (shell && !closed ? step(shell) : undefined))
      // One failed step must not stop the ones after it.
      .catch((error: unknown) => options.log(error, "terminal: a message failed"));
  };

  const close = (code: number, text: string) => {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      socket.close(code, reason(text));
    }
  };
  const touch = () => {
    const now = Date.now();
    if (now - lastTouch < (options.touchEveryMs ?? 30_000)) return;
    lastTouch = now;
    options.touch();
  };

  const helloTimer = setTimeout(
    () => close(CLOSE.timeout, "no hello message in time"),
    options.helloTimeoutMs ?? 10_000,
  );

  // A peer that stops answering pings is gone (a closed laptop, a dropped link): end it.
  let alive = true;
  socket.on("pong", () => {
    alive = true;
  });
  const pinger = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, options.pingEveryMs ?? 30_000);

  const start = async (token: string, size: { cols: number; rows: number }) => {
    try {
      const opened = await options.open(token, size);
      if (closed) {
        await opened.kill();
        return;
      }
      shell = opened;
    } catch (error) {
      if (error instanceof TerminalRefused) close(error.code, error.message);
      else {
        options.log(error, "terminal: the shell could not be started");
        close(CLOSE.internal, "the shell could not be started");
      }
      return;
    }
    const current = shell;
    // Flow control: output not yet handed to the kernel is counted; above the high watermark the
    // exec stream is paused (the shell's writes then block in the node), below the low one it
    // resumes. Keystrokes still flow, so Ctrl-C takes effect at once.
    let unsent = 0;
    current.stream.on("data", (chunk: Buffer) => {
      if (socket.readyState !== socket.OPEN) return;
      unsent += chunk.length;
      socket.send(chunk, { binary: true }, () => {
        unsent -= chunk.length;
        if (current.stream.isPaused() && unsent <= (options.lowWatermark ?? 256 * 1024)) {
          current.stream.resume();
        }
      });
      if (unsent >= (options.highWatermark ?? 1024 * 1024)) current.stream.pause();
    });
    void current.ended.then(() => close(CLOSE.normal, "the shell exited"));
    socket.send(JSON.stringify({ type: "ready" }));
    touch();
  };

  socket.on("message", (data, isBinary) => {
    if (!started) {
      started = true;
      const hello = isBinary ? null : parseJson(asBuffer(data));
      const parsed = helloMessage.safeParse(hello);
      clearTimeout(helloTimer);
      if (!parsed.success) {
        close(CLOSE.badRequest, "the first message must be {type:'hello', token, cols, rows}");
        return;
      }
      inOrder = start(parsed.data.token, { cols: parsed.data.cols, rows: parsed.data.rows });
      return;
    }
    if (isBinary) {
      const bytes = asBuffer(data);
      then((current) => {
        current.stream.write(bytes);
        touch();
      });
      return;
    }
    const parsed = controlMessage.safeParse(parseJson(asBuffer(data)));
    if (!parsed.success) {
      close(CLOSE.badRequest, "unknown control message");
      return;
    }
    const { cols, rows } = parsed.data;
    then((current) =>
      current.resize(cols, rows).catch((error: unknown) => {
        options.log(error, "terminal: resize failed");
      }),
    );
  });

  // ws emits "error" before "close"; unheard, it would end the process.
  socket.on("error", (error) => options.log(error, "terminal: socket error"));
  return new Promise((resolve) => {
    socket.on("close", () => {
      closed = true;
      clearTimeout(helloTimer);
      clearInterval(pinger);
      // After the steps under way: a shell still opening is killed by `start` itself.
      resolve(
        inOrder
          .then(() => shell?.kill())
          .catch((error: unknown) => options.log(error, "terminal: killing the shell")),
      );
    });
  });
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
}
