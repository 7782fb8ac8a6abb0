// One terminal in the browser: xterm.js on a WebSocket speaking the terminal protocol
// (orchestrator/src/terminals/protocol.ts). Bytes both ways in binary frames; the size follows
// the pane; output is paused at the server when xterm falls behind (write-callback watermarks);
// a dropped socket reconnects to the same shell with its session id; a watcher sees the owner's
// session read-only until it takes control.
import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { Unicode11Addon } from "@xterm/addon-unicode11";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { Terminal } from "@xterm/xterm";
import { MAX_FRAME_BYTES } from "../../orchestrator/src/terminals/limits.ts";
import type { ServerMessage, ViewerMode } from "../../orchestrator/src/terminals/protocol.ts";
import { h } from "./dom.ts";
import { token } from "./session.ts";
import { TerminalKeys } from "./terminal-keys.ts";

export interface TerminalTarget {
  lab: string;
  node: string;
  /** A live session to join; none: a new shell. */
  session?: string;
  /** Join `session` as a watcher (TAs and instructors). */
  watch?: boolean;
}

/** Output written to xterm but not yet rendered, above which the server is asked to pause. */
const HIGH_WATERMARK = 128 * 1024;
const LOW_WATERMARK = 16 * 1024;
/** Reconnect delays after a dropped socket; the server keeps the shell for a grace period. */
const RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000];

/** Why the server closed the socket, for the user; codes without an entry are a dropped link. */
const CLOSE_REASONS: Record<number, string> = {
  1000: "The shell has ended.",
  1011: "The terminal failed on the server.",
  4400: "The server did not understand the terminal.",
  4401: "Your sign-in is not valid any more; sign in again.",
  4403: "You may not join this terminal.",
  4404: "This lab or node was not found.",
  4408: "The terminal did not start in time.",
  4409: "The node is not running.",
  4410: "The session has ended.",
  4429: "The terminal was closed: too much was waiting for this browser.",
  4503: "The lab's engine does not answer.",
};
/** Closes after which the same session cannot be joined again. */
const SESSION_OVER = new Set([1000, 4410]);

export class TerminalView {
  readonly element: HTMLElement;
  private readonly term: Terminal;
  private readonly fitter = new FitAddon();
  private readonly keys: TerminalKeys;
  private readonly pane: HTMLElement;
  private readonly state: HTMLElement;
  private readonly viewers: HTMLElement;
  private readonly controlButton: HTMLButtonElement;
  private readonly reconnectButton: HTMLButtonElement;
  private readonly resizeObserver: ResizeObserver;
  private readonly encoder = new TextEncoder();
  private readonly target: TerminalTarget;
  private socket: WebSocket | null = null;
  private session: string | null;
  private mode: ViewerMode | null = null;
  private pending = 0;
  private paused = false;
  /** Bumped at each connection, so that callbacks of an old one are ignored. */
  private generation = 0;
  private attempts = 0;
  /** Keystrokes typed before the shell was ready. */
  private readonly typedEarly: Uint8Array<ArrayBuffer>[] = [];
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  /** `leave` is called on Ctrl+Shift+Up: a terminal takes every other key, Tab included. */
  constructor(target: TerminalTarget, leave: () => void) {
    this.target = target;
    this.session = target.session ?? null;
    const name = `${target.lab}/${target.node}`;
    this.term = new Terminal({
      cursorBlink: true,
      fontSize: 14,
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      scrollback: 5000,
      disableStdin: target.watch === true,
      // The Unicode 11 width tables are a "proposed" API of xterm.js.
      allowProposedApi: true,
    });
    this.term.loadAddon(this.fitter);
    const search = new SearchAddon();
    this.term.loadAddon(search);
    this.term.loadAddon(new WebLinksAddon());
    this.term.loadAddon(new Unicode11Addon());
    this.term.unicode.activeVersion = "11";
    this.keys = new TerminalKeys(
      this.term,
      search,
      (data) => this.sendBytes(this.encoder.encode(data)),
      `the terminal on ${name}`,
    );
    this.state = h("span", { className: "term-state", attrs: { role: "status" } }, "connecting…");
    this.viewers = h("span", { className: "term-viewers" });
    this.controlButton = h("button", { type: "button", hidden: true });
    this.controlButton.addEventListener("click", () => this.toggleControl());
    this.reconnectButton = h("button", { type: "button", hidden: true }, "Reconnect");
    this.reconnectButton.addEventListener("click", () => this.connect());
    this.pane = h("div", {
      className: "term-pane",
      attrs: { "aria-label": `Terminal on ${name}` },
    });
    this.element = h(
      "div",
      { className: "terminal" },
      h(
        "div",
        { className: "term-bar" },
        this.state,
        this.viewers,
        this.controlButton,
        this.reconnectButton,
        this.keys.tools,
        h(
          "span",
          { className: "term-hint" },
          "Ctrl+Shift+C/V copy/paste · Ctrl+Shift+↑ leaves the terminal",
        ),
      ),
      this.keys.searchBox,
      this.pane,
      this.keys.keys,
    );
    this.term.attachCustomKeyEventHandler((event) => {
      const leaving = event.ctrlKey && event.shiftKey && event.key === "ArrowUp";
      if (leaving && event.type === "keydown") leave();
      return !leaving && this.keys.handle(event);
    });
    this.term.onData((data) => this.sendBytes(this.encoder.encode(this.keys.typed(data))));
    this.term.onBinary((data) => this.sendBytes(Uint8Array.from(data, (c) => c.charCodeAt(0))));
    this.term.onResize(({ cols, rows }) => {
      if (this.mode === "control") this.sendControl({ type: "resize", cols, rows });
    });
    this.resizeObserver = new ResizeObserver(() => this.fit());
  }

  /** Shows the terminal in the page (its element must be attached) and connects. */
  start(): void {
    this.term.open(this.pane);
    this.resizeObserver.observe(this.pane);
    this.fit();
    this.connect();
  }

  focus(): void {
    this.term.focus();
  }

  fit(): void {
    // A hidden pane has no size: fitting it would shrink the terminal to nothing.
    if (this.pane.offsetWidth > 0 && this.pane.offsetHeight > 0) this.fitter.fit();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.reconnectTimer);
    this.resizeObserver.disconnect();
    this.socket?.close(1000);
    this.term.dispose();
  }

  private connect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectButton.hidden = true;
    const generation = ++this.generation;
    this.pending = 0;
    this.paused = false;
    const { lab, node } = this.target;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(
      `${scheme}//${location.host}/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/terminal`,
    );
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.setState(this.session ? "reconnecting…" : "connecting…");
    socket.addEventListener("open", () => {
      socket.send(
        JSON.stringify({
          type: "hello",
          token: token() ?? "",
          cols: this.term.cols,
          rows: this.term.rows,
          ...(this.session ? { session: this.session } : {}),
          ...(this.target.watch ? { watch: true } : {}),
        }),
      );
    });
    socket.addEventListener("message", (event) => {
      if (generation !== this.generation) return;
      if (event.data instanceof ArrayBuffer) this.write(new Uint8Array(event.data), generation);
      else this.onControl(JSON.parse(event.data as string) as ServerMessage);
    });
    socket.addEventListener("close", (event) => {
      if (generation === this.generation && !this.disposed) this.onClose(event.code, event.reason);
    });
  }

  private onControl(message: ServerMessage): void {
    switch (message.type) {
      case "ready":
        // A session replays its recent screen on a rejoin: start from a clean screen.
        if (this.session && message.session === this.session) this.term.reset();
        this.session = message.session;
        this.attempts = 0;
        this.setMode(message.mode);
        // The size may have changed while the socket was down.
        if (this.mode === "control") {
          this.sendControl({ type: "resize", cols: this.term.cols, rows: this.term.rows });
          for (const bytes of this.typedEarly.splice(0)) this.sendBytes(bytes);
        }
        break;
      case "mode":
        this.setMode(message.mode);
        break;
      case "viewers":
        this.viewers.textContent =
          message.viewers.length > 1
            ? `with ${message.viewers.map((v) => `${v.login} (${v.mode})`).join(", ")}`
            : "";
        break;
      case "exit":
        this.session = null;
        break;
    }
  }

  private onClose(code: number, reason: string): void {
    this.socket = null;
    this.typedEarly.length = 0;
    this.mode = null;
    this.controlButton.hidden = true;
    const known = CLOSE_REASONS[code];
    if (SESSION_OVER.has(code)) this.session = null;
    // A dropped link (no close code of ours): rejoin the same shell.
    if (!known && this.session && this.attempts < RECONNECT_DELAYS_MS.length) {
      const delay = RECONNECT_DELAYS_MS[this.attempts++] as number;
      this.setState("connection lost; reconnecting…");
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
      return;
    }
    // The server's reason is written for users (4429, say, is also "too many failed tokens").
    this.setState(`${known ?? "The connection was lost."}${reason ? ` (${reason})` : ""}`);
    // A watcher whose session is over has nothing to rejoin; anyone else may start again.
    const canRetry = !(this.target.watch && !this.session) && code !== 4401 && code !== 4404;
    this.reconnectButton.textContent = this.session ? "Reconnect" : "New shell";
    this.reconnectButton.hidden = !canRetry;
  }

  private setMode(mode: ViewerMode): void {
    this.mode = mode;
    this.term.options.disableStdin = mode === "watch";
    this.setState(mode === "watch" ? "watching (read-only)" : "connected");
    // Only a watcher can take control, and give it back.
    this.controlButton.hidden = !this.target.watch;
    this.controlButton.textContent = mode === "watch" ? "Take control" : "Release control";
  }

  private toggleControl(): void {
    this.sendControl({ type: this.mode === "watch" ? "take-control" : "release-control" });
  }

  private setState(text: string): void {
    this.state.textContent = text;
  }

  private write(bytes: Uint8Array, generation: number): void {
    this.pending += bytes.length;
    this.term.write(bytes, () => {
      if (generation !== this.generation) return;
      this.pending -= bytes.length;
      if (this.paused && this.pending <= LOW_WATERMARK) {
        this.paused = false;
        this.sendControl({ type: "resume" });
      }
    });
    if (!this.paused && this.pending >= HIGH_WATERMARK) {
      this.paused = true;
      this.sendControl({ type: "pause" });
    }
  }

  private sendBytes(bytes: Uint8Array<ArrayBuffer>): void {
    if (this.mode === "control" && this.socket?.readyState === WebSocket.OPEN) {
      // A long paste goes in frames the service takes.
      for (let at = 0; at < bytes.length; at += MAX_FRAME_BYTES) {
        this.socket.send(bytes.subarray(at, at + MAX_FRAME_BYTES));
      }
    } else if (this.mode === null && this.socket && !this.target.watch) {
      // Typed while the shell starts: sent once it is ready, as a local terminal would.
      this.typedEarly.push(bytes);
    }
  }

  private sendControl(message: object): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }
}
