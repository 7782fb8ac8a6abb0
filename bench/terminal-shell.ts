// What the terminal benchmarks share: shells one types into and watches (a terminal through the
// service, as a browser opens it), keystroke echo times and their percentiles.
import type Docker from "dockerode";
import WebSocket from "ws";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A shell one types into and watches: counts output bytes and lets one waiter look at each
 * chunk. The service's terminal and the plain `docker exec` floor differ only in their transport.
 */
export abstract class Shell {
  protected readonly stop: AbortSignal;

  constructor(stop: AbortSignal) {
    this.stop = stop;
  }

  received = 0;
  lastOutput = 0;
  private watcher: ((chunk: Buffer) => void) | null = null;
  private closed = false;
  private readonly onClose = new Set<() => void>();

  abstract type(text: string): void;
  abstract close(): void;

  protected output(chunk: Buffer): void {
    this.received += chunk.length;
    this.lastOutput = performance.now();
    this.watcher?.(chunk);
  }

  protected ended(): void {
    this.closed = true;
    for (const listener of this.onClose) listener();
  }

  /**
   * Resolves at the first output chunk that `accept` takes (it sees every chunk from now);
   * rejects when the benchmark is interrupted or the shell's connection closes.
   */
  until(accept: (chunk: Buffer) => boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      const fail = () => reject(new Error("interrupted, or the terminal closed"));
      if (this.closed) return fail();
      this.stop.addEventListener("abort", fail, { once: true });
      this.onClose.add(fail);
      this.watcher = (chunk) => {
        if (!accept(chunk)) return;
        this.watcher = null;
        this.stop.removeEventListener("abort", fail);
        this.onClose.delete(fail);
        resolve();
      };
    });
  }

  /** Waits until nothing has come out for `ms` (the prompt is drawn, the echo is done). */
  async quiet(ms = 300): Promise<void> {
    while (performance.now() - this.lastOutput < ms) {
      this.stop.throwIfAborted();
      await sleep(ms / 3);
    }
  }
}

/** A terminal through the service, as a browser opens it (terminals/protocol.ts). */
export class Terminal extends Shell {
  readonly socket: WebSocket;
  readonly ready: Promise<void>;

  constructor(url: string, token: string, stop: AbortSignal) {
    super(stop);
    this.socket = new WebSocket(url);
    this.ready = new Promise((resolve, reject) => {
      this.socket.on("open", () =>
        this.socket.send(JSON.stringify({ type: "hello", token, cols: 80, rows: 24 })),
      );
      this.socket.on("message", (data: Buffer, isBinary) => {
        if (!isBinary) {
          if (JSON.parse(data.toString()).type === "ready") resolve();
          return;
        }
        this.output(data);
      });
      this.socket.on("close", (code, reason) => {
        this.ended();
        reject(new Error(`closed ${code} ${reason}`));
      });
      this.socket.on("error", reject);
    });
  }

  type(text: string): void {
    this.socket.send(Buffer.from(text), { binary: true });
  }

  close(): void {
    this.socket.close();
  }
}

/** The floor: an interactive shell through a plain `docker exec` with a TTY (dockerode). */
export class ExecShell extends Shell {
  private stream: NodeJS.ReadWriteStream | null = null;

  static async open(docker: Docker, container: string, stop: AbortSignal): Promise<ExecShell> {
    const shell = new ExecShell(stop);
    const exec = await docker.getContainer(container).exec({
      Cmd: ["bash", "-l"],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ["TERM=xterm-256color"],
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    stream.on("data", (chunk: Buffer) => shell.output(chunk));
    stream.on("end", () => shell.ended());
    shell.stream = stream;
    return shell;
  }

  type(text: string): void {
    this.stream?.write(text);
  }

  close(): void {
    this.type("exit\r");
    this.stream?.end();
  }
}

/**
 * Seconds from each keystroke to its echo, `count` times: `x` at a shell prompt; the line is
 * cleared (Ctrl-U) every 40 keys so that it never wraps.
 */
export async function echoTimes(
  terminal: Shell,
  count: number,
  keysPerSecond?: number,
): Promise<number[]> {
  const times: number[] = [];
  const gap = keysPerSecond ? 1000 / keysPerSecond : 0;
  // Paced typists do not start in step: each waits a random part of one gap first.
  if (gap > 0) await sleep(Math.random() * gap);
  for (let i = 0; i < count; i++) {
    const due = performance.now() + gap;
    if (i > 0 && i % 40 === 0) {
      terminal.type("\x15");
      await terminal.quiet(100);
    }
    const echoed = terminal.until((chunk) => chunk.includes(0x78));
    const start = performance.now();
    terminal.type("x");
    await echoed;
    times.push((performance.now() - start) / 1000);
    if (gap > 0) await sleep(Math.max(0, due - performance.now()));
  }
  terminal.type("\x15");
  return times;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}
