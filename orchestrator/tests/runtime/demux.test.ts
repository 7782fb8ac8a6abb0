import { PassThrough, Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DemuxStream } from "../../src/runtime/docker/demux.ts";

/** One frame of Docker's multiplexed output. */
function frame(stream: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

function collector(): { sink: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, text: () => Buffer.concat(chunks).toString() };
}

/** `bytes` cut at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const point of points) {
    pieces.push(bytes.subarray(from, point));
    from = point;
  }
  pieces.push(bytes.subarray(from));
  return pieces.filter((p) => p.length > 0);
}

describe("DemuxStream", () => {
  it("splits stdout from stderr, however the engine's chunks cut the frames", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(1, 2), fc.string({ maxLength: 40 })), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (frames, offsets) => {
          const wire = Buffer.concat(frames.map(([s, p]) => frame(s, p)));
          const out = collector();
          const err = collector();
          await pipeline(Readable.from(cut(wire, offsets)), new DemuxStream(out.sink, err.sink));
          const expected = (which: number) =>
            frames
              .filter(([s]) => s === which)
              .map(([, p]) => p)
              .join("");
          expect(out.text()).toBe(expected(1));
          expect(err.text()).toBe(expected(2));
        },
      ),
    );
  });

  it("reads no further while a target has not drained: the engine's stream waits", async () => {
    const slow = new PassThrough({ highWaterMark: 4 });
    const source = new PassThrough({ highWaterMark: 16 });
    const done = pipeline(source, new DemuxStream(slow, collector().sink));
    const payload = "x".repeat(64);
    let written = 0;
    // Write frames until the source itself pushes back: nobody reads `slow`.
    while (source.write(frame(1, payload))) written++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Held: a bounded amount went through to the slow reader, the rest waits in the source.
    expect(slow.readableLength).toBeLessThanOrEqual(2 * payload.length);
    expect(source.writableLength).toBeGreaterThan(0);
    // Reading the slow target lets everything through.
    let received = 0;
    slow.on("data", (chunk: Buffer) => {
      received += chunk.length;
    });
    source.end();
    await done;
    expect(received).toBe((written + 1) * payload.length);
  });

  it("skips frames of an unknown stream type", async () => {
    const out = collector();
    const err = collector();
    const wire = Buffer.concat([frame(1, "a"), frame(7, "junk"), frame(2, "b"), frame(1, "c")]);
    await pipeline(Readable.from([wire]), new DemuxStream(out.sink, err.sink));
    expect(out.text()).toBe("ac");
    expect(err.text()).toBe("b");
  });
});
