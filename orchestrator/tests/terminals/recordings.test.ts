// Recordings on a real file system and a real (in-memory) SQLite database.
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { createRecording, listRecordings, recordingById } from "../../src/store/recordings.ts";
import { Recorder } from "../../src/terminals/recorder.ts";
import { DEFAULT_TERMINAL_OPTIONS, TerminalRegistry } from "../../src/terminals/registry.ts";

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-recordings-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const session = {
  id: "0123456789abcdef0123456789abcdef",
  lab: "sockets-alice",
  node: "client",
  owner: "alice",
  labOwner: "alice",
  cols: 80,
  rows: 24,
  startedAt: Date.parse("2026-11-26T03:00:00Z"),
};

describe("Recorder", () => {
  it("writes the session's asciicast file, readable by the service only, and records its end", async () => {
    const db = openDb(":memory:");
    let clock = session.startedAt;
    const recorder = new Recorder(
      { db, dir, recordInput: false, maxBytes: 1 << 20, now: () => clock, log: () => {} },
      session,
    );
    expect(recordingById(db, session.id)).toMatchObject({ endedAt: null, bytes: 0 });
    clock += 1500;
    recorder.input(Buffer.from("ls\r"));
    recorder.output(Buffer.from("file\r\n"));
    await recorder.finish();
    const path = join(dir, `${session.id}.cast`);
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    expect(JSON.parse(lines[0] as string)).toMatchObject({ version: 2, width: 80, height: 24 });
    // Input is left out unless the policy records it.
    expect(lines.slice(1).map((line) => JSON.parse(line))).toEqual([[1.5, "o", "file\r\n"]]);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(recordingById(db, session.id)).toMatchObject({
      endedAt: new Date(clock).toISOString(),
      bytes: (await stat(path)).size,
      truncated: false,
    });
  });

  it("survives a file it cannot write: the error is logged, the session goes on", async () => {
    const db = openDb(":memory:");
    // A folder where the file should be: opening it fails (EISDIR).
    await mkdir(join(dir, `${session.id}.cast`));
    const errors: string[] = [];
    const recorder = new Recorder(
      {
        db,
        dir,
        recordInput: true,
        maxBytes: 1 << 20,
        now: Date.now,
        log: (_, m) => errors.push(m),
      },
      session,
    );
    recorder.output(Buffer.from("hello"));
    await new Promise((resolve) => setTimeout(resolve, 50));
    recorder.output(Buffer.from("again"));
    await recorder.finish();
    expect(errors).toEqual([`terminal: recording ${session.id} failed`]);
    expect(recordingById(db, session.id)?.endedAt).not.toBeNull();
  });

  it("marks a recording that reached its cap as truncated", async () => {
    const db = openDb(":memory:");
    const recorder = new Recorder(
      { db, dir, recordInput: true, maxBytes: 256, now: Date.now, log: () => {} },
      session,
    );
    for (let i = 0; i < 100; i++) recorder.output(Buffer.from("0123456789"));
    await recorder.finish();
    const [row] = listRecordings(db, session.lab);
    expect(row?.truncated).toBe(true);
    expect(row?.bytes).toBeLessThanOrEqual(256);
  });
});

describe("TerminalRegistry", () => {
  it("ends the recordings a stopped service left open, at their file's size", async () => {
    const db = openDb(":memory:");
    const path = join(dir, "left.cast");
    await writeFile(path, "x".repeat(123));
    createRecording(db, { ...session, startedAt: new Date(session.startedAt).toISOString(), path });
    new TerminalRegistry(
      db,
      { ...DEFAULT_TERMINAL_OPTIONS, recordingsDir: dir },
      { touch: () => {}, audit: () => {}, log: () => {} },
    );
    const row = recordingById(db, session.id);
    expect(row?.endedAt).not.toBeNull();
    expect(row?.bytes).toBe(123);
  });
});
