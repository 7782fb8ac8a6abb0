// Docker's multiplexed output (an exec or attach without a TTY): frames of an 8-byte header
// (stream type: 1 stdout, 2 stderr; 3 bytes of padding; the payload's length, big-endian) and
// the payload. dockerode's own demuxer writes on however slow the reader is; this one is a
// Writable that takes the next chunk only once its targets have drained, so piping the engine's
// stream into it holds the engine's stream (and, through TCP, the command) when a reader is slow.
import { Writable } from "node:stream";
import { drained } from "../drain.ts";

const HEADER_BYTES = 8;

/** Splits multiplexed output between `stdout` and `stderr`, honouring their backpressure. */
export class DemuxStream extends Writable {
  private readonly targets: Record<number, Writable>;
  private pending: Buffer = Buffer.alloc(0);
  /** The payload bytes still due to the current frame's target, and which target. */
  private frameLeft = 0;
  private frameTarget: Writable | null = null;

  constructor(stdout: Writable, stderr: Writable) {
    // One engine chunk at a time: the engine's stream is what waits, not a queue here.
    super({ highWaterMark: 1 });
    this.targets = { 0: stdout, 1: stdout, 2: stderr };
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void): void {
    const blocked = new Set<Writable>();
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0) {
      if (this.frameLeft === 0) {
        // Only a header can be left over, so `pending` never holds more than 7 bytes.
        if (data.length < HEADER_BYTES) {
          this.pending = Buffer.from(data);
          break;
        }
        this.frameTarget = this.targets[data[0] as number] ?? null;
        this.frameLeft = data.readUInt32BE(4);
        data = data.subarray(HEADER_BYTES);
        continue;
      }
      const take = Math.min(this.frameLeft, data.length);
      const target = this.frameTarget;
      // A frame of an unknown stream type is skipped, not guessed at.
      if (target && !target.write(data.subarray(0, take))) blocked.add(target);
      this.frameLeft -= take;
      data = data.subarray(take);
    }
    Promise.all([...blocked].map(drained)).then(() => done(), done);
  }
}
