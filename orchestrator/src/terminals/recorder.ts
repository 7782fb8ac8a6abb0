// A session's recording: an asciicast v2 file in the recordings folder and its row in SQLite.
// Output is always recorded, input only when the service's policy says so (`recordInput`).
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { Db } from "../store/db.ts";
import { createRecording, finishRecording } from "../store/recordings.ts";
import { AsciicastWriter } from "./asciicast.ts";
import type { RecordingQuota } from "./recording-quota.ts";

export interface RecorderOptions {
  db: Db;
  dir: string;
  recordInput: boolean;
  maxBytes: number;
  /** Bytes all recordings may hold, per user and in all; none: no bound beyond `maxBytes`. */
  quota?: RecordingQuota;
  now: () => number;
  log(error: unknown, message: string): void;
  /** The recording stopped before its session ended: why, for people. */
  stopped?(reason: string): void;
}

export interface RecordedSession {
  id: string;
  lab: string;
  node: string;
  owner: string;
  labOwner: string;
  cols: number;
  rows: number;
  startedAt: number;
}

export class Recorder {
  private readonly options: RecorderOptions;
  private readonly id: string;
  private readonly file: WriteStream;
  private readonly writer: AsciicastWriter;
  private readonly owner: string;
  /** Bytes counted against the quota. */
  private counted = 0;
  private finished: Promise<void> | null = null;

  constructor(options: RecorderOptions, session: RecordedSession) {
    this.options = options;
    this.id = session.id;
    this.owner = session.owner;
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const path = join(options.dir, `${session.id}.cast`);
    // The row first: a failed insert (it throws) leaves no file open behind it.
    createRecording(options.db, {
      id: session.id,
      lab: session.lab,
      node: session.node,
      owner: session.owner,
      labOwner: session.labOwner,
      startedAt: new Date(session.startedAt).toISOString(),
      path,
    });
    // Recordings may hold what students typed (passwords at prompts): readable by the service only.
    this.file = createWriteStream(path, { mode: 0o600 });
    // A full disk or a removed folder ends the recording, never the service (an unheard stream
    // error would end the process).
    this.file.on("error", (error) =>
      options.log(error, `terminal: recording ${session.id} failed`),
    );
    this.writer = new AsciicastWriter(
      (line) => {
        if (!this.file.destroyed) this.file.write(line);
      },
      {
        width: session.cols,
        height: session.rows,
        startedAt: session.startedAt,
        env: { TERM: "xterm-256color", SHELL: "/bin/bash" },
      },
      options.maxBytes,
      (bytes) => {
        const refused = options.quota?.take(session.owner, bytes) ?? null;
        if (refused === null) this.counted += bytes;
        return refused;
      },
    );
  }

  output(chunk: Buffer): void {
    this.record(() => this.writer.output(chunk, this.options.now()));
  }

  input(chunk: Buffer): void {
    if (this.options.recordInput) this.record(() => this.writer.input(chunk, this.options.now()));
  }

  resize(cols: number, rows: number): void {
    this.record(() => this.writer.resize(cols, rows, this.options.now()));
  }

  /** Writes an event, and says so once when the recording stops. */
  private record(write: () => void): void {
    const before = this.writer.truncated;
    write();
    if (!before && this.writer.stopReason !== null) this.options.stopped?.(this.writer.stopReason);
  }

  /** Ends the file and records its end; once, however often it is called. */
  finish(): Promise<void> {
    this.finished ??= new Promise<void>((resolve) => {
      this.writer.end(this.options.now());
      if (this.file.destroyed) resolve();
      else this.file.end(() => resolve());
    }).then(() => {
      finishRecording(this.options.db, this.id, {
        endedAt: new Date(this.options.now()).toISOString(),
        bytes: this.writer.bytes,
        truncated: this.writer.truncated,
      });
      this.options.quota?.finished(this.owner, this.counted);
    });
    return this.finished;
  }
}
