// The end of a stream of bytes, bounded: only its last `capacity` bytes are kept, however much is
// written (a student's node may answer an exec with `yes`). A ring buffer, grown up to its
// capacity only as bytes come, so that a small output costs little and many small writes cost no
// more than one.
import { Writable } from "node:stream";

/** The first allocation: most outputs the service reads are a line or two. */
const FIRST_BYTES = 256;

export class TailBuffer {
  readonly capacity: number;
  private store: Buffer = Buffer.alloc(0);
  /** Where the next byte goes. */
  private end = 0;
  /** Bytes held, at most `capacity`. */
  private held = 0;
  private dropped = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) {
      throw new RangeError(`a tail buffer's capacity must be a positive integer (${capacity})`);
    }
    this.capacity = capacity;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      this.dropped += this.held + chunk.length - this.capacity;
      this.store = Buffer.from(chunk.subarray(chunk.length - this.capacity));
      this.end = 0;
      this.held = this.capacity;
      return;
    }
    this.reserve(this.held + chunk.length);
    const size = this.store.length;
    const first = Math.min(chunk.length, size - this.end);
    chunk.copy(this.store, this.end, 0, first);
    chunk.copy(this.store, 0, first);
    this.end = (this.end + chunk.length) % size;
    this.dropped += Math.max(0, this.held + chunk.length - size);
    this.held = Math.min(size, this.held + chunk.length);
  }

  /** Bytes written but no longer kept. */
  get droppedBytes(): number {
    return this.dropped;
  }

  /** The kept bytes, oldest first (a copy). */
  get bytes(): Buffer {
    const size = this.store.length;
    if (this.held === 0) return Buffer.alloc(0);
    const start = (this.end - this.held + size) % size;
    return start + this.held <= size
      ? Buffer.from(this.store.subarray(start, start + this.held))
      : Buffer.concat([this.store.subarray(start), this.store.subarray(0, this.end)]);
  }

  /** A Writable that keeps its input here and never holds its writer back. */
  sink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.append(chunk);
        done();
      },
    });
  }

  /** Grows the store (its content moved to its start) until `needed` bytes or the capacity fit. */
  private reserve(needed: number): void {
    const size = this.store.length;
    if (needed <= size || size === this.capacity) return;
    const grown = Buffer.alloc(Math.min(this.capacity, Math.max(needed, 2 * size, FIRST_BYTES)));
    this.bytes.copy(grown);
    this.store = grown;
    this.end = this.held;
  }
}
