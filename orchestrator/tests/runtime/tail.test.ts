import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TailBuffer } from "../../src/runtime/tail.ts";

describe("TailBuffer", () => {
  it("keeps everything while it fits, and says nothing was dropped", () => {
    const tail = new TailBuffer(16);
    tail.append(Buffer.from("abc"));
    tail.append(Buffer.from("def"));
    expect(tail.bytes.toString()).toBe("abcdef");
    expect(tail.droppedBytes).toBe(0);
  });

  it("keeps only the last bytes of a flood, and counts what it dropped", () => {
    const tail = new TailBuffer(10);
    for (let i = 0; i < 1000; i++) tail.append(Buffer.from("y\n"));
    expect(tail.bytes.toString()).toBe("y\ny\ny\ny\ny\n");
    expect(tail.droppedBytes).toBe(2000 - 10);
  });

  it("takes a chunk larger than its capacity whole, keeping its end", () => {
    const tail = new TailBuffer(4);
    tail.append(Buffer.from("ab"));
    tail.append(Buffer.from("0123456789"));
    expect(tail.bytes.toString()).toBe("6789");
    expect(tail.droppedBytes).toBe(8);
  });

  it("refuses a capacity that holds nothing", () => {
    expect(() => new TailBuffer(0)).toThrow(/positive integer/);
    expect(() => new TailBuffer(1.5)).toThrow(/positive integer/);
  });

  it("as a sink, keeps what is written to it", async () => {
    const tail = new TailBuffer(3);
    const sink = tail.sink();
    sink.write(Buffer.from("hello"));
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(tail.bytes.toString()).toBe("llo");
  });

  it("always holds the last `capacity` bytes of all that was written (any chunks)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.array(fc.uint8Array({ maxLength: 700 }), { maxLength: 40 }),
        (capacity, chunks) => {
          const tail = new TailBuffer(capacity);
          for (const chunk of chunks) tail.append(Buffer.from(chunk));
          const all = Buffer.concat(chunks.map((c) => Buffer.from(c)));
          const expected = all.subarray(Math.max(0, all.length - capacity));
          expect(tail.bytes.equals(expected)).toBe(true);
          expect(tail.droppedBytes).toBe(all.length - expected.length);
        },
      ),
    );
  });
});
