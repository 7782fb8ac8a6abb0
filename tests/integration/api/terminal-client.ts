// A real WebSocket client of the terminal protocol (terminals/protocol.ts) for the terminal
// tests, and probes of the node's processes through the engine.

import WebSocket from "ws";
import { nodeContainer } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";

/** Output kept for `output()`: a flood is not kept whole. */
const KEEP_BYTES = 1024 * 1024;

/**
 * Output before a new frame that `see` looks at together with it: a match may span frames, up to
 * this long.
 */
const SEE_SPAN_BYTES = 64 * 1024;

export interface Ready {
  type: "ready";
  session?: string;
  mode?: "control" | "watch";
}

/** A terminal client: output bytes kept (the last MiB), decoded only when looked at. */
export class Terminal {
  readonly socket: WebSocket;
  readonly chunks: Buffer[] = [];
  /** Text messages from the server, in order. */
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly ready: Promise<Ready>;
  private kept = 0;
  /** `see` calls waiting, each handed every frame as it arrives. */
  private readonly watchers = new Set<(chunk: Buffer) => void>();

  constructor(url: string, hello: object | null) {
    this.socket = new WebSocket(url);
    this.closed = new Promise((resolve) =>
      this.socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ready = new Promise((resolve, reject) => {
      this.socket.on("message", (data: Buffer, isBinary) => {
        if (isBinary) {
          this.chunks.push(data);
          this.kept += data.length;
          while (this.kept - (this.chunks[0]?.length ?? 0) > KEEP_BYTES) {
            this.kept -= (this.chunks.shift() as Buffer).length;
          }
          for (const watch of this.watchers) watch(data);
          return;
        }
        const message = JSON.parse(data.toString()) as Record<string, unknown>;
        this.messages.push(message);
        if (message.type === "ready") resolve(message as unknown as Ready);
      });
      void this.closed.then(({ code, reason }) => reject(new Error(`closed ${code} ${reason}`)));
    });
    // The rejection is looked at by the tests that expect one; keep it from being unhandled.
    this.ready.catch(() => {});
    if (hello) this.socket.on("open", () => this.socket.send(JSON.stringify(hello)));
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text), { binary: true });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  output(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /**
   * Waits until the output holds `text` (its UTF-8 bytes); returns what matched. Every frame is
   * looked at as it arrives, so a match is found even when a flood pushes it out of the kept output
   * before the test looks again.
   */
  see(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const find = (seen: string): string | null => {
      if (typeof text === "string") return seen.includes(text) ? text : null;
      return text.exec(seen)?.[0] ?? null;
    };
    return new Promise((resolve, reject) => {
      let before = this.output();
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(watch);
      };
      const watch = (chunk: Buffer) => {
        const window = Buffer.concat([before, chunk]);
        const found = find(window.toString("utf8"));
        if (found !== null) {
          done();
          resolve(found);
        }
        before = window.subarray(Math.max(0, window.length - SEE_SPAN_BYTES));
      };
      const timer = setTimeout(() => {
        done();
        const seen = this.output().toString("utf8");
        reject(new Error(`never saw ${text}; saw ${JSON.stringify(seen.slice(-2000))}`));
      }, timeoutMs);
      const found = find(before.toString("utf8"));
      if (found !== null) {
        done();
        resolve(found);
        return;
      }
      before = before.subarray(Math.max(0, before.length - SEE_SPAN_BYTES));
      this.watchers.add(watch);
    });
  }

  /** Waits for a text message that `want` accepts. */
  async message(
    want: (message: Record<string, unknown>) => boolean,
    timeoutMs = 15_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(want);
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(`no such message; got ${JSON.stringify(this.messages)}`);
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    this.socket.close();
    await this.closed;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const hello = (token: string, cols = 80, rows = 24, more: object = {}) => ({
  type: "hello",
  token,
  cols,
  rows,
  ...more,
});

/** Polls until `read` gives `want`, with a deadline: no timing is asserted. */
export async function eventually<T>(
  read: () => Promise<T>,
  want: T,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value === want || Date.now() > deadline) return value;
    await sleep(100);
  }
}

/**
 * Processes in the node whose command line starts with `prefix` (a zombie has none, so a zombie
 * left to a pid 1 that does not reap is not counted); the counting itself runs in sh.
 */
export async function running(
  engine: Engine,
  lab: string,
  node: string,
  prefix: string,
): Promise<number> {
  const container = await nodeContainer(engine, lab, node);
  const script = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done | grep -c "^${prefix}" || true`;
  const result = await execCapture(engine, container, ["sh", "-c", script]);
  return Number(result.stdout.trim());
}

/**
 * What the node's process whose command line is exactly `command` has written so far (-1 while
 * there is none): it stops growing only while nobody reads its terminal.
 */
export async function written(
  engine: Engine,
  lab: string,
  node: string,
  command: string,
): Promise<number> {
  const container = await nodeContainer(engine, lab, node);
  const script = `for f in /proc/[0-9]*/cmdline; do if [ "$(tr '\\0' ' ' < $f 2>/dev/null)" = '${command} ' ]; then grep wchar $(dirname $f)/io; fi; done`;
  // As the shell's user: root without CAP_SYS_PTRACE may not read another user's io.
  const out = (await execCapture(engine, container, ["sh", "-c", script], { user: "student" }))
    .stdout;
  return Number(/wchar: (\d+)/.exec(out)?.[1] ?? -1);
}

/** Whether the process `pid` exists in the node. */
export async function alive(
  engine: Engine,
  lab: string,
  node: string,
  pid: string,
): Promise<boolean> {
  const container = await nodeContainer(engine, lab, node);
  return (await execCapture(engine, container, ["test", "-d", `/proc/${pid}`])).exitCode === 0;
}
