// Terminal recordings: one asciicast file per terminal session (terminals/recorder.ts writes it),
// and here its metadata, so that they can be listed and served after the session, the lab or the
// service is gone.
import type { Db } from "./db.ts";

export interface Recording {
  id: string;
  lab: string;
  node: string;
  /** The login of whoever opened the session. */
  owner: string;
  /** The lab's owner: whose TAs may see the recording. */
  labOwner: string;
  startedAt: string;
  /** null while the session lives (or when the service stopped before it could say). */
  endedAt: string | null;
  /** The file's size; set when the recording ends. */
  bytes: number;
  /** Whether the recording stopped at its size cap before the session ended. */
  truncated: boolean;
  path: string;
}

interface Row {
  id: string;
  lab: string;
  node: string;
  owner: string;
  lab_owner: string;
  started_at: string;
  ended_at: string | null;
  bytes: number;
  truncated: number;
  path: string;
}

const recording = (r: Row): Recording => ({
  id: r.id,
  lab: r.lab,
  node: r.node,
  owner: r.owner,
  labOwner: r.lab_owner,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  bytes: r.bytes,
  truncated: r.truncated === 1,
  path: r.path,
});

export function createRecording(
  db: Db,
  r: Pick<Recording, "id" | "lab" | "node" | "owner" | "labOwner" | "startedAt" | "path">,
): void {
  db.prepare(
    "INSERT INTO recordings (id, lab, node, owner, lab_owner, started_at, path) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(r.id, r.lab, r.node, r.owner, r.labOwner, r.startedAt, r.path);
}

export function finishRecording(
  db: Db,
  id: string,
  end: { endedAt: string; bytes: number; truncated: boolean },
): void {
  db.prepare("UPDATE recordings SET ended_at = ?, bytes = ?, truncated = ? WHERE id = ?").run(
    end.endedAt,
    end.bytes,
    end.truncated ? 1 : 0,
    id,
  );
}

export function recordingById(db: Db, id: string): Recording | null {
  const row = db.prepare("SELECT * FROM recordings WHERE id = ?").get(id) as Row | undefined;
  return row ? recording(row) : null;
}

/** Newest first; of one lab when `lab` is given. */
export function listRecordings(db: Db, lab?: string): Recording[] {
  const rows = (lab === undefined
    ? db.prepare("SELECT * FROM recordings ORDER BY started_at DESC, id").all()
    : db
        .prepare("SELECT * FROM recordings WHERE lab = ? ORDER BY started_at DESC, id")
        .all(lab)) as unknown as Row[];
  return rows.map(recording);
}

/** Recordings a previous service process left open (it stopped without ending them). */
export function unfinishedRecordings(db: Db): Recording[] {
  const rows = db
    .prepare("SELECT * FROM recordings WHERE ended_at IS NULL")
    .all() as unknown as Row[];
  return rows.map(recording);
}

/** Recordings that ended before `iso` (an ISO time, as stored), oldest first; live ones never. */
export function recordingsEndedBefore(db: Db, iso: string): Recording[] {
  const rows = db
    .prepare("SELECT * FROM recordings WHERE ended_at < ? ORDER BY ended_at, id")
    .all(iso) as unknown as Row[];
  return rows.map(recording);
}

export function deleteRecording(db: Db, id: string): void {
  db.prepare("DELETE FROM recordings WHERE id = ?").run(id);
}

/** Bytes of the recordings that have ended, by whoever opened their session. */
export function recordedBytesByOwner(db: Db): Map<string, number> {
  const rows = db
    .prepare(
      "SELECT owner, SUM(bytes) AS bytes FROM recordings WHERE ended_at IS NOT NULL GROUP BY owner",
    )
    .all() as unknown as { owner: string; bytes: number }[];
  return new Map(rows.map((r) => [r.owner, Number(r.bytes)]));
}
