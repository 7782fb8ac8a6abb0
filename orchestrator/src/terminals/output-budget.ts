// How fast a terminal's output may flow: a token bucket per session. A shell that floods (`yes`,
// `cat /dev/urandom`) past it is paused, so its writes block in the node, rather than every hop
// (the node's pty, the engine, the service's recording and socket, the browser) copying as fast
// as the cores allow, at the other students' expense. A burst (a screenful, a long `ls`) passes
// at once; a human reads far below the rate.
import { outputRateOf } from "../config.ts";

export interface OutputRate {
  /** Bytes a second a session's output flows at, sustained. */
  bytesPerSecond: number;
  /** Bytes that may come at once after a quiet spell. */
  burstBytes: number;
}

export const DEFAULT_OUTPUT_RATE: OutputRate = outputRateOf(512 * 1024);

export class OutputBudget {
  private readonly rate: OutputRate;
  private readonly now: () => number;
  /** Below zero: output already read beyond the budget, to be paid for by waiting. */
  private tokens: number;
  private at: number;

  /** `now`: a clock in ms (tests give their own). */
  constructor(rate: OutputRate, now: () => number = () => performance.now()) {
    if (!(rate.bytesPerSecond > 0 && rate.burstBytes > 0)) {
      throw new RangeError("an output rate needs bytesPerSecond > 0 and burstBytes > 0");
    }
    this.rate = rate;
    this.now = now;
    this.tokens = rate.burstBytes;
    this.at = now();
  }

  /**
   * Spends `bytes` (already read: output cannot be refused, only the next read held); the ms to
   * hold the shell's output before reading more, 0 when the budget allows more now.
   */
  spend(bytes: number): number {
    this.refill();
    this.tokens -= bytes;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.rate.bytesPerSecond) * 1000);
  }

  private refill(): void {
    const now = this.now();
    const earned = ((now - this.at) * this.rate.bytesPerSecond) / 1000;
    this.tokens = Math.min(this.rate.burstBytes, this.tokens + earned);
    this.at = now;
  }
}
