// The socketlab service as the benchmarks and the fault tests run it: `socketlab serve` as a child
// process on loopback, with its own data folder and library, signed in as the instructor; and its
// memory as the kernel counts it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { REPO_ROOT } from "../orchestrator/src/paths.ts";
import { newToken } from "../orchestrator/src/store/users.ts";

/** A port free on loopback at this moment, for the service to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(),
      );
    });
  });
}

/** A process's resident set now (VmRSS) and its high-water mark since it started (VmHWM). */
export function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]);
  return { rss: kb("VmRSS") * 1024, hwm: kb("VmHWM") * 1024 };
}

export interface ServiceOptions {
  port: number;
  dataDir: string;
  libraryDir: string;
  /** More options of `socketlab serve` (`--engines FILE`). */
  args?: string[];
  /** The instructor's token (a new one by default; a restarted service keeps its first one). */
  token?: string;
  /** Aborts the requests made through `call` (the benchmark's Ctrl-C). */
  signal?: AbortSignal;
  /** More environment for the service (its settings: SOCKETLAB_TERMINAL_GRACE...). */
  env?: Record<string, string>;
  /** Called with each line of the service's log (its stdout); none: the log is dropped. */
  onLogLine?: (line: string) => void;
}

export class Service {
  readonly child: ChildProcess;
  readonly url: string;
  readonly token: string;
  private readonly signal: AbortSignal | undefined;
  private readonly exited: Promise<void>;

  constructor(options: ServiceOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    this.signal = options.signal;
    this.token = options.token ?? newToken();
    // Started as an operator starts it, through the socketlab script (its Node flags and compile
    // cache), which execs node: the child's pid is the service's.
    const args = ["serve", "--port", String(options.port), "--data", options.dataDir];
    args.push("--library", options.libraryDir, ...(options.args ?? []));
    this.child = spawn(join(REPO_ROOT, "socketlab"), args, {
      env: { ...process.env, ...options.env, SOCKETLAB_INSTRUCTOR_TOKEN: this.token },
      stdio: ["ignore", options.onLogLine ? "pipe" : "ignore", "inherit"],
    });
    if (options.onLogLine && this.child.stdout) {
      createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on(
        "line",
        options.onLogLine,
      );
    }
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  async call(method: string, path: string, body?: object): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : null,
      signal: this.signal,
    });
  }

  async json<T>(method: string, path: string, body?: object): Promise<T> {
    const response = await this.call(method, path, body);
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Until /api/ready answers 200 (the engine and the database answer). */
  async ready(): Promise<void> {
    for (;;) {
      if (this.child.exitCode !== null) throw new Error("the service exited while starting");
      const ok = await fetch(`${this.url}/api/ready`, { signal: this.signal }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      this.signal?.throwIfAborted();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /**
   * A class of `students` (logins `<prefix>1`, `<prefix>2`, ...) and one bulk job bringing
   * `topology` up for all of them, `concurrency` at a time; resolves with the job's summary
   * once its event stream ends, and the seconds from the job's request to then.
   */
  async bulk(topology: string, students: number, concurrency: number, prefix = "r") {
    const roster = Array.from({ length: students }, (_, i) => ({
      name: `Student ${i + 1}`,
      id: `${prefix}${i + 1}`,
    }));
    const cls = await this.json<{ id: string }>("POST", "/api/classes", {
      name: `benchmark ${prefix}`,
      students: roster,
    });
    const start = performance.now();
    const job = await this.json<{ id: string }>("POST", `/api/classes/${cls.id}/labs`, {
      topology,
      concurrency,
    });
    // The stream replays the job's events from its start and ends after the summary.
    const events = await (await this.call("GET", `/api/jobs/${job.id}/events`)).text();
    const seconds = (performance.now() - start) / 1000;
    const summary = /^event: summary\ndata: (.*)$/m.exec(events)?.[1];
    if (!summary) throw new Error("the job's events ended without a summary");
    const { ready, failed, total } = JSON.parse(summary) as {
      ready: number;
      failed: number;
      total: number;
    };
    return { seconds, ready, failed, total };
  }

  /** SIGKILL, as a crash or the OOM killer would end it; resolves once it exited. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM (the service lets labs under way finish), then SIGKILL if it lingers. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 120_000);
    await this.exited;
    clearTimeout(timer);
  }
}
