import { describe, expect, it } from "vitest";
import { AsciicastWriter } from "../../src/terminals/asciicast.ts";

function record(maxBytes = 1 << 20) {
  const lines: string[] = [];
  const writer = new AsciicastWriter(
    (line) => lines.push(line),
    { width: 80, height: 24, startedAt: 1_700_000_000_500, env: { TERM: "xterm-256color" } },
    maxBytes,
  );
  const parsed = () => lines.map((line) => JSON.parse(line) as unknown);
  return { lines, writer, parsed };
}

describe("AsciicastWriter", () => {
  it("writes a v2 header, then events as [seconds, code, data] lines", () => {
    const { writer, lines, parsed } = record();
    writer.output(Buffer.from("hi\r\n"), 1_700_000_001_750);
    writer.input(Buffer.from("ls\r"), 1_700_000_002_000);
    writer.resize(100, 30, 1_700_000_003_000);
    expect(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(
      true,
    );
    expect(parsed()).toEqual([
      {
        version: 2,
        width: 80,
        height: 24,
        timestamp: 1_700_000_000,
        env: { TERM: "xterm-256color" },
      },
      [1.25, "o", "hi\r\n"],
      [1.5, "i", "ls\r"],
      [2.5, "r", "100x30"],
    ]);
    expect(writer.bytes).toBe(Buffer.byteLength(lines.join("")));
  });

  it("writes a character split across two chunks whole, in the event that completes it", () => {
    const { writer, parsed } = record();
    const euro = Buffer.from("<€>");
    writer.output(euro.subarray(0, 2), 1_700_000_000_500);
    writer.output(euro.subarray(2), 1_700_000_000_600);
    expect(parsed().slice(1)).toEqual([
      [0, "o", "<"],
      [0.1, "o", "€>"],
    ]);
  });

  it("keeps control characters and escapes as JSON escapes", () => {
    const { writer, lines } = record();
    writer.output(Buffer.from('\x1b[1m"bold"\x1b[0m'), 1_700_000_000_500);
    expect(lines[1]).toBe('[0,"o","\\u001b[1m\\"bold\\"\\u001b[0m"]\n');
  });

  it("stops at the size cap, keeps the header, and says it was truncated", () => {
    const { writer, lines } = record(200);
    for (let i = 0; i < 20; i++) writer.output(Buffer.from("0123456789"), 1_700_000_000_500 + i);
    expect(writer.truncated).toBe(true);
    expect(writer.bytes).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(lines.join(""))).toBe(writer.bytes);
    const events = lines.length - 1;
    writer.output(Buffer.from("x"), 1_700_000_001_000);
    expect(lines.length - 1).toBe(events);
  });

  it("ends with what the decoder still holds", () => {
    const { writer, parsed } = record();
    writer.output(Buffer.from([0xe2, 0x82]), 1_700_000_000_500);
    writer.end(1_700_000_000_700);
    expect(parsed().slice(1)).toEqual([[0.2, "o", "\ufffd"]]);
  });
});
