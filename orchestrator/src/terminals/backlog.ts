// What a terminal socket has received but not yet passed on (keystrokes waiting for the shell to
// read them, resizes waiting for the engine), bounded. Above the high watermark the socket is held
// (no more is read from it, so the client's own sending blocks); below the low one it is read
// again. Past the hard limit (what the socket had already read when it was held, which ws still
// delivers) the connection is refused as too fast. Every message costs at least MIN_COST, so a
// flood of tiny control messages is bounded too.

export interface BacklogLimits {
  /** Bytes queued above which the socket is held. */
  highBytes: number;
  /** Bytes queued below which a held socket is read again. */
  lowBytes: number;
  /** Bytes queued beyond which the connection is dropped. */
  maxBytes: number;
}

export const DEFAULT_BACKLOG_LIMITS: BacklogLimits = {
  highBytes: 256 * 1024,
  lowBytes: 64 * 1024,
  maxBytes: 1024 * 1024,
};

/** The least a message counts for: its closure and promise cost memory whatever its size. */
export const MIN_COST = 1024;

export interface BacklogHooks {
  /** Stop reading the socket. */
  hold(): void;
  /** Read the socket again. */
  release(): void;
}

export class Backlog {
  private readonly limits: BacklogLimits;
  private readonly hooks: BacklogHooks;
  private queued = 0;
  private holding = false;

  constructor(limits: BacklogLimits, hooks: BacklogHooks) {
    if (!(limits.lowBytes < limits.highBytes && limits.highBytes <= limits.maxBytes)) {
      throw new RangeError("a backlog needs lowBytes < highBytes <= maxBytes");
    }
    this.limits = limits;
    this.hooks = hooks;
  }

  /** A message of `bytes` arrived; its cost, to give back to `done`, or null when over the limit. */
  add(bytes: number): number | null {
    const cost = Math.max(bytes, MIN_COST);
    if (this.queued + cost > this.limits.maxBytes) return null;
    this.queued += cost;
    if (!this.holding && this.queued >= this.limits.highBytes) {
      this.holding = true;
      this.hooks.hold();
    }
    return cost;
  }

  /** A message was passed on. */
  done(cost: number): void {
    this.queued -= cost;
    if (this.holding && this.queued <= this.limits.lowBytes) {
      this.holding = false;
      this.hooks.release();
    }
  }

  get bytes(): number {
    return this.queued;
  }

  /** Whether the socket is held (its pongs then wait too: not a dead peer). */
  get held(): boolean {
    return this.holding;
  }
}
