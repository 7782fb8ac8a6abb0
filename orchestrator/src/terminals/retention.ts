// Recordings' retention: a recording is kept for a number of days after its session ended
// (SOCKETLAB_RECORDING_DAYS; 0 keeps them forever), then its file and its row are deleted. The
// service's sweeper applies it on every sweep, with the service's clock.
import { rm } from "node:fs/promises";
import type { Db } from "../store/db.ts";
import { deleteRecording, recordingsEndedBefore } from "../store/recordings.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deletes the recordings that ended more than `days` days before `now`; returns their ids. */
export async function deleteOldRecordings(
  db: Db,
  now: number,
  days: number,
  log: (error: unknown, message: string) => void,
): Promise<string[]> {
  if (days <= 0) return [];
  const deleted: string[] = [];
  for (const old of recordingsEndedBefore(db, new Date(now - days * DAY_MS).toISOString())) {
    try {
      // The file first: a row whose file could not go is tried again on the next sweep.
      await rm(old.path, { force: true });
      deleteRecording(db, old.id);
      deleted.push(old.id);
    } catch (error) {
      log(error, `terminal: deleting the old recording ${old.id}`);
    }
  }
  return deleted;
}
