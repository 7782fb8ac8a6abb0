// One WebSocket to a terminal (protocol.ts): waits for the hello, lets `admit` (admission.ts)
// check the token and the lab and find or open the session (nothing runs in the node before),
// then joins the session as a viewer and passes its messages on, in arrival order.
// The socket closing leaves the session, which outlives it for its grace period.
import type { RawData, WebSocket } from "ws";
import type { UserRole } from "../store/users.ts";
import { Backlog, type BacklogLimits, DEFAULT_BACKLOG_LIMITS } from "./backlog.ts";
import { MAX_HELLO_BYTES } from "./limits.ts";
import {
  CLOSE,
  closeReason,
  controlMessage,
  type HelloMessage,
  helloMessage,
  type ViewerMode,
} from "./protocol.ts";
import type { TerminalSession } from "./session.ts";
import { Viewer } from "./viewer.ts";

/** A refusal to open the terminal, with the close code and a message for the user. */
export class TerminalRefused extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export interface Admission {
  session: TerminalSession;
  user: { login: string; role: UserRole; tokenId: string };
  mode: ViewerMode;
  /** Whether the session was opened for this hello (rather than found). */
  created: boolean;
}

export interface ConnectionOptions {
  /** Checks the token, the lab and the session asked for; throws TerminalRefused to refuse. */
  admit(hello: HelloMessage): Promise<Admission>;
  log(error: unknown, message: string): void;
  helloTimeoutMs?: number;
  pingEveryMs?: number;
  /** How much the socket may have received and not yet passed on (default: backlog.ts). */
  backlog?: BacklogLimits;
}

const asBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

/** Serves the socket; resolves once it has closed and left its session. */
export function serveConnection(socket: WebSocket, options: ConnectionOptions): Promise<void> {
  let joined: { session: TerminalSession; viewer: Viewer } | null = null;
  let started = false;
  let closed = false;
  // Everything after the hello runs in arrival order, after the session is joined: keystrokes
  // typed before the shell runs are not lost, and a keystroke after a resize sees the new size.
  let inOrder: Promise<void> = Promise.resolve();
  // What waits in `inOrder` is bounded: a shell that does not read its input holds the socket.
  const backlog = new Backlog(options.backlog ?? DEFAULT_BACKLOG_LIMITS, {
    hold: () => socket.pause(),
    release: () => socket.resume(),
  });
  const then = (
    size: number,
    step: (session: TerminalSession, viewer: Viewer) => Promise<void> | void,
  ) => {
    const cost = backlog.add(size);
    if (cost === null) {
      close(CLOSE.tooSlow, "too much input is waiting for the shell");
      return;
    }
    inOrder = inOrder
      .then(() => (joined && !closed ? step(joined.session, joined.viewer) : undefined))
      // One failed step must not stop the ones after it.
      .catch((error: unknown) => options.log(error, "terminal: a message failed"))
      .finally(() => backlog.done(cost));
  };

  function close(code: number, text: string) {
    if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING) {
      socket.close(code, closeReason(text));
    }
  }

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
    // A socket held for backpressure reads no pong: it is slow, not gone.
    if (!alive && !backlog.held) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, options.pingEveryMs ?? 30_000);

  const start = async (hello: HelloMessage) => {
    let admitted: Admission;
    try {
      admitted = await options.admit(hello);
    } catch (error) {
      if (error instanceof TerminalRefused) close(error.code, error.message);
      else {
        options.log(error, "terminal: the session could not be opened");
        close(CLOSE.internal, "the shell could not be started");
      }
      return;
    }
    const { session, user, mode, created } = admitted;
    if (closed) {
      // Nobody saw the shell opened for this socket: it goes at once.
      if (created) await session.end();
      return;
    }
    const viewer = new Viewer(socket, user, mode);
    joined = { session, viewer };
    session.join(viewer);
    // A reconnecting owner's window may have changed size meanwhile.
    if (!created) await session.resize(viewer, hello.cols, hello.rows);
  };

  socket.on("message", (data, isBinary) => {
    if (!started) {
      started = true;
      clearTimeout(helloTimer);
      const hello = asBuffer(data);
      if (hello.length > MAX_HELLO_BYTES) {
        close(CLOSE.badRequest, `the hello message is larger than ${MAX_HELLO_BYTES} bytes`);
        return;
      }
      const parsed = helloMessage.safeParse(isBinary ? null : parseJson(hello));
      if (!parsed.success) {
        close(CLOSE.badRequest, "the first message must be {type:'hello', token, cols, rows}");
        return;
      }
      inOrder = start(parsed.data).catch((error: unknown) =>
        options.log(error, "terminal: joining the session"),
      );
      return;
    }
    const bytes = asBuffer(data);
    if (isBinary) {
      then(bytes.length, (session, viewer) => session.input(viewer, bytes));
      return;
    }
    const parsed = controlMessage.safeParse(parseJson(bytes));
    if (!parsed.success) {
      close(CLOSE.badRequest, "unknown control message");
      return;
    }
    const message = parsed.data;
    then(bytes.length, (session, viewer) => {
      switch (message.type) {
        case "resize":
          return session.resize(viewer, message.cols, message.rows);
        case "pause":
          return viewer.pause();
        case "resume":
          return viewer.resume();
        case "take-control":
          return session.setMode(viewer, "control");
        case "release-control":
          return session.setMode(viewer, "watch");
      }
    });
  });

  // ws emits "error" before "close"; unheard, it would end the process.
  socket.on("error", (error) => options.log(error, "terminal: socket error"));
  return new Promise((resolve) => {
    socket.on("close", () => {
      closed = true;
      clearTimeout(helloTimer);
      clearInterval(pinger);
      // After the steps under way: a session still being joined is left by `start` itself.
      resolve(
        inOrder.then(() => {
          if (joined) joined.session.leave(joined.viewer);
        }),
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
