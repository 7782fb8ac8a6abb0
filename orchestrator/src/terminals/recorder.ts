// A session's recording: an asciicast v2 file in the recordings folder and its row in SQLite.
// Output is always recorded, input only when the service's policy says so (`recordInput`).
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { join } from "node:path";
import type { Db } from "../store/db.ts";
import { createRecording, finishRecording } from "../store/recordings.ts";
import { AsciicastWriter } from "./asciicast.ts";

export interface RecorderOptions {
  db: Db;
  dir: string;
  recordInput: boolean;
  maxBytes: number;
  now: () => number;
  log(error: unknown, message: string): void;
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
  private finished: Promise<void> | null = null;

  constructor(options: RecorderOptions, session: RecordedSession) {
    this.options = options;
    this.id = session.id;
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
    );
  }

  output(chunk: Buffer): void {
    this.writer.output(chunk, this.options.now());
  }

  input(chunk: Buffer): void {
    if (this.options.recordInput) this.writer.input(chunk, this.options.now());
  }

  resize(cols: number, rows: number): void {
    this.writer.resize(cols, rows, this.options.now());
  }

  /** Ends the file and records its end; once, however often it is called. */
  finish(): Promise<void> {
    this.finished ??= new Promise<void>((resolve) => {
      this.writer.end(this.options.now());
      if (this.file.destroyed) resolve();
      else this.file.end(() => resolve());
    }).then(() =>
      finishRecording(this.options.db, this.id, {
        endedAt: new Date(this.options.now()).toISOString(),
        bytes: this.writer.bytes,
        truncated: this.writer.truncated,
      }),
    );
    return this.finished;
  }
}
