// What the service remembers about its pool of engines: which engine each lab was placed on (the
// engines' own lab records are the truth; this copy names the labs of an engine that does not
// answer), and the engines instructors added or drained through the API. An added engine's spec
// is kept as the JSON its owner (engines/records.ts) writes and reads.
import type { Db } from "./db.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS engine_placements (
  lab TEXT PRIMARY KEY,
  engine TEXT NOT NULL,
  owner TEXT NOT NULL,
  topology TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pool_engines (
  name TEXT PRIMARY KEY,
  spec TEXT,
  drained INTEGER NOT NULL DEFAULT 0
);
`;

export interface PlacementRecord {
  lab: string;
  engine: string;
  owner: string;
  topology: string;
}

/** An engine row: `spec` is the JSON of an engine added through the API; null: a drain mark. */
export interface EngineRow {
  name: string;
  spec: string | null;
  drained: boolean;
}

/** The pool's tables exist only in the databases of services that run a pool. */
export function ensurePoolTables(db: Db): void {
  db.exec(SCHEMA);
}

export function placements(db: Db): PlacementRecord[] {
  return db
    .prepare("SELECT lab, engine, owner, topology FROM engine_placements ORDER BY lab")
    .all() as unknown as PlacementRecord[];
}

export function recordPlacement(db: Db, record: PlacementRecord): void {
  db.prepare(
    `INSERT INTO engine_placements (lab, engine, owner, topology) VALUES (?, ?, ?, ?)
     ON CONFLICT (lab) DO UPDATE SET engine = excluded.engine, owner = excluded.owner,
       topology = excluded.topology`,
  ).run(record.lab, record.engine, record.owner, record.topology);
}

export function forgetPlacement(db: Db, lab: string): void {
  db.prepare("DELETE FROM engine_placements WHERE lab = ?").run(lab);
}

export function engineRows(db: Db): EngineRow[] {
  const rows = db.prepare("SELECT name, spec, drained FROM pool_engines ORDER BY name").all() as {
    name: string;
    spec: string | null;
    drained: number;
  }[];
  return rows.map((r) => ({ name: r.name, spec: r.spec, drained: r.drained === 1 }));
}

/** Stores an added engine (its spec's JSON), replacing one of that name. */
export function storeEngineRow(db: Db, name: string, spec: string, drained: boolean): void {
  db.prepare(
    `INSERT INTO pool_engines (name, spec, drained) VALUES (?, ?, ?)
     ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, drained = excluded.drained`,
  ).run(name, spec, drained ? 1 : 0);
}

export function storeDrained(db: Db, name: string, drained: boolean): void {
  db.prepare(
    `INSERT INTO pool_engines (name, spec, drained) VALUES (?, NULL, ?)
     ON CONFLICT (name) DO UPDATE SET drained = excluded.drained`,
  ).run(name, drained ? 1 : 0);
}

export function forgetEngine(db: Db, name: string): void {
  db.prepare("DELETE FROM pool_engines WHERE name = ?").run(name);
}
