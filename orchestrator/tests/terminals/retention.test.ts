// Recordings' retention on a real file system and a real (in-memory) SQLite database.
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { createRecording, finishRecording, listRecordings } from "../../src/store/recordings.ts";
import { deleteOldRecordings } from "../../src/terminals/retention.ts";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse("2026-11-26T12:00:00Z");
let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-retention-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/** A recording whose session ended `endedDaysAgo` days before NOW (null: still live). */
async function recording(db: ReturnType<typeof openDb>, id: string, endedDaysAgo: number | null) {
  const path = join(dir, `${id}.cast`);
  await writeFile(path, "{}\n");
  createRecording(db, {
    id,
    lab: "sockets-alice",
    node: "client",
    owner: "alice",
    labOwner: "alice",
    startedAt: new Date(NOW - 90 * DAY).toISOString(),
    path,
  });
  if (endedDaysAgo !== null) {
    const endedAt = new Date(NOW - endedDaysAgo * DAY).toISOString();
    finishRecording(db, id, { endedAt, bytes: 3, truncated: false });
  }
  return path;
}

it("deletes the files and rows of recordings that ended more than the days ago, and no other", async () => {
  const db = openDb(":memory:");
  const old = await recording(db, "old", 30.01);
  const older = await recording(db, "older", 400);
  const recent = await recording(db, "recent", 29.99);
  const live = await recording(db, "live", null);
  // A file already gone (removed by hand) does not keep its row.
  await rm(older);
  const log: string[] = [];
  const deleted = await deleteOldRecordings(db, NOW, 30, (_, message) => log.push(message));
  expect(deleted.sort()).toEqual(["old", "older"]);
  expect(log).toEqual([]);
  expect(
    listRecordings(db)
      .map((r) => r.id)
      .sort(),
  ).toEqual(["live", "recent"]);
  expect(await exists(old)).toBe(false);
  expect(await exists(recent)).toBe(true);
  expect(await exists(live)).toBe(true);
});

it("keeps every recording when the days are 0", async () => {
  const db = openDb(":memory:");
  const path = await recording(db, "old", 4000);
  expect(await deleteOldRecordings(db, NOW, 0, () => {})).toEqual([]);
  expect(listRecordings(db).map((r) => r.id)).toEqual(["old"]);
  expect(await exists(path)).toBe(true);
});
