// How much the recordings may hold on the data volume, which also holds the database: per user
// (whoever opened the session) and in all. Recordings that have ended count as stored (their rows'
// sizes); live ones count their bytes as they are written. A recording that would pass either
// bound stops there: the session goes on unrecorded.

export interface RecordingQuotaLimits {
  /** Bytes of recordings one user's sessions may hold; null: no bound. */
  perUserBytes: number | null;
  /** Bytes all recordings may hold; null: no bound. */
  totalBytes: number | null;
}

export const DEFAULT_RECORDING_QUOTA: RecordingQuotaLimits = {
  perUserBytes: 1024 ** 3,
  totalBytes: 20 * 1024 ** 3,
};

const MIB = 1024 * 1024;
const size = (bytes: number) =>
  bytes >= MIB ? `${Math.round(bytes / MIB)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

export class RecordingQuota {
  private readonly limits: RecordingQuotaLimits;
  private stored = new Map<string, number>();
  private storedTotal = 0;
  private readonly live = new Map<string, number>();
  private liveTotal = 0;

  constructor(limits: RecordingQuotaLimits, stored: Map<string, number>) {
    this.limits = limits;
    this.restore(stored);
  }

  /** Takes the stored sizes anew (after recordings were deleted), live ones kept. */
  restore(stored: Map<string, number>): void {
    this.stored = new Map(stored);
    this.storedTotal = [...stored.values()].reduce((a, b) => a + b, 0);
  }

  /** Counts `bytes` more of `user`'s live recordings; a reason (for people) when they do not fit. */
  take(user: string, bytes: number): string | null {
    const { perUserBytes, totalBytes } = this.limits;
    const mine = (this.stored.get(user) ?? 0) + (this.live.get(user) ?? 0);
    if (perUserBytes !== null && mine + bytes > perUserBytes) {
      return `your recordings reached their quota of ${size(perUserBytes)}`;
    }
    if (totalBytes !== null && this.storedTotal + this.liveTotal + bytes > totalBytes) {
      return `the service's recordings reached their quota of ${size(totalBytes)}`;
    }
    this.live.set(user, (this.live.get(user) ?? 0) + bytes);
    this.liveTotal += bytes;
    return null;
  }

  /** A live recording of `bytes` ended: they count as stored from now on. */
  finished(user: string, bytes: number): void {
    const left = (this.live.get(user) ?? 0) - bytes;
    if (left > 0) this.live.set(user, left);
    else this.live.delete(user);
    this.liveTotal -= bytes;
    this.stored.set(user, (this.stored.get(user) ?? 0) + bytes);
    this.storedTotal += bytes;
  }

  /** Bytes counted for `user`, stored and live. */
  usage(user: string): number {
    return (this.stored.get(user) ?? 0) + (this.live.get(user) ?? 0);
  }
}
