// New labs the service is bringing up. A row lives from before the first engine object of the lab
// to the end of its bring-up, whatever the outcome: a row a starting service finds is a creation
// that a killed process left half done (classroom/labs.ts removes such labs).
import type { Db } from "./db.ts";

export interface LabCreation {
  lab: string;
  owner: string;
  startedAt: number;
}

export function beginCreation(db: Db, creation: LabCreation): void {
  db.prepare("INSERT OR REPLACE INTO lab_creations (lab, owner, started_at) VALUES (?, ?, ?)").run(
    creation.lab,
    creation.owner,
    creation.startedAt,
  );
}

export function endCreation(db: Db, lab: string): void {
  db.prepare("DELETE FROM lab_creations WHERE lab = ?").run(lab);
}

/** Creations under way (in this process) or left unfinished (by a previous one). */
export function unfinishedCreations(db: Db): LabCreation[] {
  const rows = db
    .prepare("SELECT lab, owner, started_at FROM lab_creations ORDER BY started_at, lab")
    .all() as unknown as { lab: string; owner: string; started_at: number }[];
  return rows.map((r) => ({ lab: r.lab, owner: r.owner, startedAt: r.started_at }));
}
