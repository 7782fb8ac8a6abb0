// One terminal session: a shell in a node and the viewers looking at it. It outlives their
// sockets: when the last viewer leaves, the shell lives on for a grace period (a reconnecting
// browser gets it back, with the recent screen replayed), then it is killed.
//
// Flow control: a shell nobody looks at is paused (its output is not read, so its writes block in
// the node), so that it does not run on into its recording. Its output flows at most at the
// output rate (output-budget.ts): past it, the shell is paused until the budget allows more, so
// that a flood costs the cores no more than a bounded stream. Every viewer has its own send buffer.
// Only the owner's backpressure pauses the shell's output (keystrokes still flow, so Ctrl-C
// works); a watcher whose buffer passes the high watermark is dropped (4429), so it never stalls
// the session.
import { drained } from "../runtime/drain.ts";
import type { Shell } from "../runtime/login-shell.ts";
import { OutputBudget, type OutputRate } from "./output-budget.ts";
import { CLOSE, type Viewer as ViewerInfo, type ViewerMode } from "./protocol.ts";
import type { Recorder } from "./recorder.ts";
import { ReplayBuffer } from "./replay.ts";
import type { Viewer } from "./viewer.ts";

export interface SessionLimits {
  /** How long the shell outlives its last viewer, ms. */
  graceMs: number;
  /** Output kept for a replay, bytes. */
  replayBytes: number;
  /** A viewer's unsent output above which the shell is paused (owner) or the viewer dropped. */
  highWatermark: number;
  /** The owner's unsent output below which the shell resumes. */
  lowWatermark: number;
  /** The least time between two marks of the lab as used, ms. */
  touchEveryMs: number;
  /** How fast output may flow; null: as fast as the viewers take it. */
  outputRate: OutputRate | null;
}

export interface SessionHooks {
  /** Marks the lab as used. */
  touch(): void;
  audit(actor: string, action: string, detail: Record<string, unknown>): void;
  log(error: unknown, message: string): void;
  /** The session has ended (its shell exited or was killed). */
  gone(): void;
}

export interface SessionInfo {
  id: string;
  lab: string;
  node: string;
  /** Who opened the session: only they reconnect to it in control, and only their size applies. */
  owner: string;
  startedAt: Date;
}

export class TerminalSession {
  readonly info: SessionInfo;
  private readonly shell: Shell;
  private readonly recorder: Recorder;
  private readonly limits: SessionLimits;
  private readonly hooks: SessionHooks;
  private readonly replay: ReplayBuffer;
  private readonly viewers = new Set<Viewer>();
  private readonly budget: OutputBudget | null;
  /** Set while the shell is held for having spent its output budget. */
  private budgetTimer: NodeJS.Timeout | null = null;
  private graceTimer: NodeJS.Timeout | null = null;
  private lastTouch = 0;
  private ending: Promise<void> | null = null;

  constructor(
    info: SessionInfo,
    shell: Shell,
    recorder: Recorder,
    limits: SessionLimits,
    hooks: SessionHooks,
  ) {
    this.info = info;
    this.shell = shell;
    this.recorder = recorder;
    this.limits = limits;
    this.hooks = hooks;
    this.replay = new ReplayBuffer(limits.replayBytes);
    this.budget = limits.outputRate ? new OutputBudget(limits.outputRate) : null;
    shell.stream.on("data", (chunk: Buffer) => this.output(chunk));
    // Held until a first viewer joins.
    shell.stream.pause();
    void shell.ended.then(() => this.exited());
    // The grace period runs until a first viewer joins: a session nobody joins does not live on.
    this.armGrace();
  }

  get live(): boolean {
    return this.ending === null;
  }

  get viewerCount(): number {
    return this.viewers.size;
  }

  /** Adds a viewer: `ready`, the recent screen, then live output (all in one tick, in order). */
  join(viewer: Viewer): void {
    if (!this.live) {
      viewer.close(CLOSE.gone, "the session has ended");
      return;
    }
    this.disarmGrace();
    viewer.onDrain = () => this.flow();
    viewer.message({ type: "ready", session: this.info.id, mode: viewer.mode });
    const screen = this.replay.snapshot();
    if (screen.length > 0) viewer.output(screen);
    this.viewers.add(viewer);
    this.broadcastViewers();
    // A shell nobody saw was held: its output flows again.
    this.flow();
    if (viewer.mode === "watch") {
      this.hooks.audit(viewer.login, "terminal.watch", {
        session: this.info.id,
        owner: this.info.owner,
      });
    }
    this.touch();
  }

  /** A viewer's socket closed (or it was dropped); the last one out starts the grace period. */
  leave(viewer: Viewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.broadcastViewers();
    // The owner's backpressure may have been what held the shell.
    this.flow();
    if (this.viewers.size === 0 && this.live) this.armGrace();
  }

  /**
   * Keystrokes: only from a viewer in control. Resolves once the shell's stream has room for
   * more, so that the connection queues no more while the shell does not read its input.
   */
  async input(viewer: Viewer, bytes: Buffer): Promise<void> {
    if (viewer.mode !== "control" || !this.viewers.has(viewer) || !this.live) return;
    this.recorder.input(bytes);
    this.touch();
    if (!this.shell.stream.write(bytes)) await drained(this.shell.stream);
  }

  /** Applies only from the owner in control; resolves once the engine has applied it. */
  async resize(viewer: Viewer, cols: number, rows: number): Promise<void> {
    if (!this.sizes(viewer) || !this.live) return;
    await this.shell.resize(cols, rows);
    this.recorder.resize(cols, rows);
  }

  setMode(viewer: Viewer, mode: ViewerMode): void {
    if (!this.viewers.has(viewer) || viewer.mode === mode) return;
    viewer.mode = mode;
    if (mode === "control") {
      this.hooks.audit(viewer.login, "terminal.take-control", {
        session: this.info.id,
        owner: this.info.owner,
      });
    }
    viewer.message({ type: "mode", mode });
    this.broadcastViewers();
  }

  /** A line from the service to every viewer, on a line of its own; neither recorded nor replayed. */
  notice(text: string): void {
    const line = Buffer.from(`\r\n\x1b[33m${text}\x1b[0m\r\n`);
    for (const viewer of this.viewers) viewer.output(line);
  }

  viewerList(): ViewerInfo[] {
    return [...this.viewers].map((v) => ({ login: v.login, role: v.role, mode: v.mode }));
  }

  /**
   * Closes with 4401 and its reason each viewer `refusal` gives one (their token no longer signs
   * in). When the owner is signed out (`ownerOut`, or a viewer of theirs refused), the whole
   * session ends, shell and all: nobody may use it after them.
   */
  signOut(refusal: (viewer: Viewer) => string | null, ownerOut = false): Promise<void> {
    let ends = ownerOut;
    for (const viewer of [...this.viewers]) {
      const reason = refusal(viewer);
      if (reason === null) continue;
      viewer.close(CLOSE.unauthorized, reason);
      this.leave(viewer);
      if (viewer.login === this.info.owner) ends = true;
    }
    return ends
      ? this.end(CLOSE.gone, "the session has ended: its owner was signed out")
      : Promise.resolve();
  }

  /** Kills the shell and closes every viewer with `code`; resolves once the shell is gone. */
  end(code: number = CLOSE.gone, text = "the session has ended"): Promise<void> {
    this.ending ??= this.finish(
      () => this.shell.kill(),
      (viewer) => viewer.close(code, text),
    );
    return this.ending;
  }

  private exited(): void {
    this.ending ??= this.finish(
      async () => {},
      async (viewer) => {
        // The last output goes out even to a viewer that asked to hold it.
        viewer.resume();
        const code = await this.shell.exitCode().catch(() => null);
        viewer.message({ type: "exit", code });
        viewer.close(CLOSE.normal, "the shell exited");
      },
    );
  }

  private async finish(
    stop: () => Promise<void>,
    dismiss: (viewer: Viewer) => Promise<void> | void,
  ): Promise<void> {
    this.disarmGrace();
    if (this.budgetTimer) clearTimeout(this.budgetTimer);
    const viewers = [...this.viewers];
    this.viewers.clear();
    this.hooks.gone();
    try {
      await Promise.all([stop(), ...viewers.map((viewer) => dismiss(viewer))]);
    } catch (error) {
      this.hooks.log(error, "terminal: ending the session");
    }
    await this.recorder
      .finish()
      .catch((error: unknown) => this.hooks.log(error, "terminal: ending the recording"));
  }

  private output(chunk: Buffer): void {
    this.replay.append(chunk);
    this.recorder.output(chunk);
    for (const viewer of this.viewers) {
      viewer.output(chunk);
      // Anyone but the owner (a watcher, or a TA who took control) is dropped when behind.
      if (viewer.login !== this.info.owner && viewer.unsent > this.limits.highWatermark) {
        this.drop(viewer);
      }
    }
    const hold = this.budget?.spend(chunk.length) ?? 0;
    if (hold > 0 && !this.budgetTimer && this.live) {
      this.budgetTimer = setTimeout(() => {
        this.budgetTimer = null;
        this.flow();
      }, hold);
    }
    this.flow();
  }

  /**
   * Pauses the shell while nobody looks (its output is not read, so its writes block in the node
   * rather than run on into the recording), while its output budget is spent, or while an owner's
   * viewer is behind; resumes once a viewer is back, the budget allows more and every owner's
   * viewer has caught up.
   */
  private flow(): void {
    const stream = this.shell.stream;
    if (this.viewers.size === 0 || this.budgetTimer) {
      stream.pause();
      return;
    }
    let behind = 0;
    for (const viewer of this.viewers) {
      if (viewer.login === this.info.owner) behind = Math.max(behind, viewer.unsent);
    }
    if (behind >= this.limits.highWatermark) stream.pause();
    else if (stream.isPaused() && behind <= this.limits.lowWatermark) stream.resume();
  }

  private drop(viewer: Viewer): void {
    viewer.close(CLOSE.tooSlow, "too slow: the output waiting for this viewer passed its limit");
    this.leave(viewer);
  }

  /** Whether `viewer`'s size is the terminal's: the owner's, in control. */
  private sizes(viewer: Viewer): boolean {
    return viewer.login === this.info.owner && viewer.mode === "control";
  }

  private broadcastViewers(): void {
    const viewers = this.viewerList();
    for (const viewer of this.viewers) viewer.message({ type: "viewers", viewers });
  }

  private touch(): void {
    const now = Date.now();
    if (now - this.lastTouch < this.limits.touchEveryMs) return;
    this.lastTouch = now;
    this.hooks.touch();
  }

  private armGrace(): void {
    this.disarmGrace();
    this.graceTimer = setTimeout(() => void this.end(), this.limits.graceMs);
  }

  private disarmGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
  }
}
