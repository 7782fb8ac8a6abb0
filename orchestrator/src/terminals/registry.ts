// The service's live terminal sessions, by id: a reconnecting browser or a watcher finds its
// session here. Closing the registry (the service stopping) kills every shell before it returns.
import { randomBytes } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Shell } from "../runtime/login-shell.ts";
import type { Db } from "../store/db.ts";
import {
  finishRecording,
  recordedBytesByOwner,
  unfinishedRecordings,
} from "../store/recordings.ts";
import { DEFAULT_OUTPUT_RATE } from "./output-budget.ts";
import { CLOSE } from "./protocol.ts";
import { Recorder } from "./recorder.ts";
import {
  DEFAULT_RECORDING_QUOTA,
  RecordingQuota,
  type RecordingQuotaLimits,
} from "./recording-quota.ts";
import { deleteOldRecordings } from "./retention.ts";
import { type SessionLimits, TerminalSession } from "./session.ts";

export interface TerminalOptions extends SessionLimits {
  /** Record keystrokes ("i" events) too; output is always recorded. */
  recordInput: boolean;
  /** Where the asciicast files go. */
  recordingsDir: string;
  /** A recording stops (and is marked truncated) once its file would pass this size. */
  maxRecordingBytes: number;
  /** Days a recording is kept after its session ended (retention.ts); 0: forever. */
  recordingDays: number;
  /** What all recordings may hold, per user and in all (recording-quota.ts). */
  recordingQuota: RecordingQuotaLimits;
}

export const DEFAULT_TERMINAL_OPTIONS: Omit<TerminalOptions, "recordingsDir"> = {
  graceMs: 60_000,
  replayBytes: 64 * 1024,
  highWatermark: 1024 * 1024,
  lowWatermark: 256 * 1024,
  touchEveryMs: 30_000,
  outputRate: DEFAULT_OUTPUT_RATE,
  recordInput: false,
  maxRecordingBytes: 50 * 1024 * 1024,
  recordingDays: 30,
  recordingQuota: DEFAULT_RECORDING_QUOTA,
};

/**
 * Where recordings go: `configured`, else the data folder's `recordings/`. A service whose
 * database is in memory (tests) keeps them in a temporary folder, for it to remove when it stops,
 * as their metadata goes with the database.
 */
export function recordingsFolder(
  dataDir: string,
  configured: string | undefined,
): { path: string; temporary: boolean } {
  if (configured) return { path: configured, temporary: false };
  if (dataDir === ":memory:") {
    return { path: mkdtempSync(join(tmpdir(), "socketlab-recordings-")), temporary: true };
  }
  return { path: join(dataDir, "recordings"), temporary: false };
}

export interface RegistryHooks {
  /** Marks a lab as used. */
  touch(lab: string): void;
  audit(actor: string, action: string, target: string, detail: Record<string, unknown>): void;
  log(error: unknown, message: string): void;
}

export interface NewSession {
  lab: string;
  labOwner: string;
  node: string;
  owner: string;
  shell: Shell;
  size: { cols: number; rows: number };
}

export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalSession>();
  private readonly db: Db;
  private readonly options: TerminalOptions;
  private readonly hooks: RegistryHooks;
  private readonly quota: RecordingQuota;
  private closing = false;

  constructor(db: Db, options: TerminalOptions, hooks: RegistryHooks) {
    this.db = db;
    this.options = options;
    this.hooks = hooks;
    // A service that stopped abruptly left its recordings open: they end where their files do.
    for (const recording of unfinishedRecordings(db)) {
      let bytes = 0;
      try {
        bytes = statSync(recording.path).size;
      } catch {
        // The file is gone; the row stays, with no bytes.
      }
      finishRecording(db, recording.id, {
        endedAt: new Date().toISOString(),
        bytes,
        truncated: false,
      });
    }
    this.quota = new RecordingQuota(options.recordingQuota, recordedBytesByOwner(db));
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Registers a session for a shell just opened, and starts recording it. */
  start(request: NewSession): TerminalSession {
    const id = randomBytes(16).toString("hex");
    const startedAt = new Date();
    // The session is made with its recorder, so the recorder reaches it through this.
    let session: TerminalSession | undefined;
    const recorder = new Recorder(
      {
        db: this.db,
        dir: this.options.recordingsDir,
        recordInput: this.options.recordInput,
        maxBytes: this.options.maxRecordingBytes,
        quota: this.quota,
        now: Date.now,
        log: this.hooks.log,
        stopped: (reason) => {
          this.hooks.audit(request.owner, "terminal.recording-stopped", request.lab, {
            node: request.node,
            session: id,
            reason,
          });
          session?.notice(
            `[socketlab] This terminal is no longer recorded: ${reason}. It keeps working.`,
          );
        },
      },
      {
        id,
        lab: request.lab,
        node: request.node,
        owner: request.owner,
        labOwner: request.labOwner,
        cols: request.size.cols,
        rows: request.size.rows,
        startedAt: startedAt.getTime(),
      },
    );
    session = new TerminalSession(
      { id, lab: request.lab, node: request.node, owner: request.owner, startedAt },
      request.shell,
      recorder,
      this.options,
      {
        touch: () => this.hooks.touch(request.lab),
        audit: (actor, action, detail) =>
          this.hooks.audit(actor, action, request.lab, { node: request.node, ...detail }),
        log: this.hooks.log,
        gone: () => this.sessions.delete(id),
      },
    );
    this.sessions.set(id, session);
    this.hooks.audit(request.owner, "terminal.open", request.lab, {
      node: request.node,
      session: id,
      user: request.shell.user,
    });
    return session;
  }

  /** Deletes the recordings past their retention at `now` (the sweeper's clock); their ids. */
  async deleteOldRecordings(now: number): Promise<string[]> {
    const deleted = await deleteOldRecordings(
      this.db,
      now,
      this.options.recordingDays,
      this.hooks.log,
    );
    if (deleted.length > 0) this.quota.restore(recordedBytesByOwner(this.db));
    return deleted;
  }

  get(id: string): TerminalSession | undefined {
    return this.sessions.get(id);
  }

  /** The lab's live sessions, oldest first. */
  ofLab(lab: string): TerminalSession[] {
    return [...this.sessions.values()]
      .filter((s) => s.info.lab === lab)
      .sort((a, b) => a.info.startedAt.getTime() - b.info.startedAt.getTime());
  }

  /**
   * Signs `login` out of every terminal: their sessions end (those in their grace period too),
   * and their sockets on others' sessions close with 4401 and `reason`.
   */
  async signOut(login: string, reason: string): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((s) =>
        s.signOut((viewer) => (viewer.login === login ? reason : null), s.info.owner === login),
      ),
    );
  }

  /** Closes every viewer whose token `problem` says no longer signs in (4401, with the reason). */
  async dropSignedOut(problem: (tokenId: string) => string | null): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map((s) => s.signOut((viewer) => problem(viewer.tokenId))),
    );
  }

  /** Kills every shell and ends every recording; new sessions are refused from now on. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      [...this.sessions.values()].map((s) => s.end(CLOSE.goingAway, "the service is stopping")),
    );
  }
}
