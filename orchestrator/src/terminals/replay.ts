// The recent screen of a terminal: the last N bytes of its output, replayed to a browser that
// reconnects or a watcher that joins. Bytes are kept as they came (never decoded); the replay
// starts at a safe point, so that the terminal that receives it does not begin in the middle of
// a character or, when a line break is near the start, of a line (and of most escape sequences).

import { TailBuffer } from "../runtime/tail.ts";

/** How far into the kept bytes a line break is looked for to start the replay at. */
const LINE_SEARCH_BYTES = 1024;

export class ReplayBuffer {
  private readonly tail: TailBuffer;

  constructor(capacity: number) {
    this.tail = new TailBuffer(capacity);
  }

  get capacity(): number {
    return this.tail.capacity;
  }

  append(chunk: Buffer): void {
    this.tail.append(chunk);
  }

  /** The kept output, oldest first, starting at a safe point when older output was dropped. */
  snapshot(): Buffer {
    const kept = this.tail.bytes;
    return this.tail.droppedBytes > 0 ? kept.subarray(safeStart(kept)) : kept;
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
