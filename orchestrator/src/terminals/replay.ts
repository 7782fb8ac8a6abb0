// The recent screen of a terminal: the last N bytes of its output, replayed to a browser that
// reconnects or a watcher that joins. Bytes are kept as they came (never decoded); the replay
// starts at a safe point, so that the terminal that receives it does not begin in the middle of
// a character or, when a line break is near the start, of a line (and of most escape sequences).

/** How far into the kept bytes a line break is looked for to start the replay at. */
const LINE_SEARCH_BYTES = 1024;

export class ReplayBuffer {
  readonly capacity: number;
  private readonly bytes: Buffer;
  /** Where the next byte goes. */
  private end = 0;
  /** Bytes held, at most `capacity`. */
  private held = 0;
  /** Whether older output was dropped to make room (the replay then needs a safe start). */
  private wrapped = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`the replay buffer's capacity must be a positive integer (${capacity})`);
    }
    this.capacity = capacity;
    this.bytes = Buffer.alloc(capacity);
  }

  append(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      chunk.copy(this.bytes, 0, chunk.length - this.capacity);
      this.end = 0;
      this.wrapped = this.wrapped || this.held > 0 || chunk.length > this.capacity;
      this.held = this.capacity;
      return;
    }
    const first = Math.min(chunk.length, this.capacity - this.end);
    chunk.copy(this.bytes, this.end, 0, first);
    chunk.copy(this.bytes, 0, first);
    this.end = (this.end + chunk.length) % this.capacity;
    if (this.held + chunk.length > this.capacity) this.wrapped = true;
    this.held = Math.min(this.capacity, this.held + chunk.length);
  }

  /** The kept output, oldest first, starting at a safe point. */
  snapshot(): Buffer {
    const start = (this.end - this.held + this.capacity) % this.capacity;
    const kept =
      start + this.held <= this.capacity
        ? Buffer.from(this.bytes.subarray(start, start + this.held))
        : Buffer.concat([this.bytes.subarray(start), this.bytes.subarray(0, this.end)]);
    return this.wrapped ? kept.subarray(safeStart(kept)) : kept;
  }
}

/**
 * Where a replay of bytes cut from a longer output may start: after the first line break near
 * the start, else at the first byte that begins a UTF-8 character (not a 10xxxxxx continuation).
 */
export function safeStart(bytes: Buffer): number {
  const newline = bytes.subarray(0, LINE_SEARCH_BYTES).indexOf(0x0a);
  if (newline >= 0) return newline + 1;
  let i = 0;
  // A character is at most 4 bytes: at most 3 continuation bytes begin a cut.
  while (i < 3 && i < bytes.length && ((bytes[i] as number) & 0xc0) === 0x80) i++;
  return i;
}
