import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReplayBuffer, safeStart } from "../../src/terminals/replay.ts";

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("ReplayBuffer", () => {
  it("replays everything while it fits, as it came", () => {
    const replay = new ReplayBuffer(64);
    replay.append(bytes("ab"));
    replay.append(bytes("€\n"));
    expect(replay.snapshot()).toEqual(bytes("ab€\n"));
  });

  it("keeps the last bytes across wrap-arounds and starts after a line break", () => {
    const replay = new ReplayBuffer(16);
    for (const line of ["first line\n", "second\n", "third\n", "fourth\n"])
      replay.append(bytes(line));
    // The 16 bytes kept are "nd\nthird\nfourth\n": the cut line "nd" is skipped.
    expect(replay.snapshot().toString()).toBe("third\nfourth\n");
  });

  it("never starts in the middle of a UTF-8 character when no line break is near", () => {
    const replay = new ReplayBuffer(7);
    replay.append(bytes("x€€€")); // 10 bytes: the last 7 are "\x82\xac€€" minus its first byte
    const snapshot = replay.snapshot();
    expect(snapshot.toString()).toBe("€€");
    expect(snapshot.toString()).not.toContain("\ufffd");
  });

  it("takes a chunk larger than itself", () => {
    const replay = new ReplayBuffer(4);
    replay.append(bytes("abcdefgh"));
    expect(replay.snapshot().toString()).toBe("efgh");
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new ReplayBuffer(0)).toThrow(/capacity/);
  });

  it("is a suffix of the output, decodes without a replacement character, and holds at most its capacity", () => {
    const text = fc.string({ unit: "grapheme", maxLength: 40 });
    fc.assert(
      fc.property(
        fc.array(text, { maxLength: 30 }),
        fc.integer({ min: 4, max: 64 }),
        (chunks, capacity) => {
          const replay = new ReplayBuffer(capacity);
          for (const chunk of chunks) replay.append(bytes(chunk));
          const all = bytes(chunks.join(""));
          const snapshot = replay.snapshot();
          expect(snapshot.length).toBeLessThanOrEqual(capacity);
          expect(all.subarray(all.length - snapshot.length)).toEqual(snapshot);
          expect(snapshot.toString("utf8")).not.toContain("\ufffd");
          if (all.length <= capacity) expect(snapshot).toEqual(all);
        },
      ),
    );
  });
});

describe("safeStart", () => {
  it("skips at most three continuation bytes", () => {
    expect(safeStart(Buffer.from([0x82, 0xac, 0x41]))).toBe(2);
    expect(safeStart(Buffer.from([0x80, 0x80, 0x80, 0x80]))).toBe(3);
    expect(safeStart(Buffer.from("abc"))).toBe(0);
  });
});
