// The service's embedded database: users, classes, tokens, settings, audit records, bulk jobs, labs'
// expiry and last activity, why the service stopped a node, terminal recordings' metadata, and
// with a pool of engines the engines added through the API, drain marks and each lab's engine
// (store/engines.ts creates those tables). Lab state is never stored here; it lives on the engines.
// node:sqlite (built into Node 24) needs no native build, where better-sqlite3 would have to be
// compiled against headers this machine lacks.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export type Db = DatabaseSync;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS classes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  login TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL CHECK (role IN ('instructor', 'ta', 'student')),
  class_id TEXT REFERENCES classes(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  class_id TEXT NOT NULL REFERENCES classes(id),
  topology TEXT NOT NULL,
  concurrency INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('running', 'finished')),
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'labs' CHECK (kind IN ('labs', 'checks'))
);
CREATE TABLE IF NOT EXISTS job_items (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  student TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'started', 'ready', 'failed')),
  lab TEXT,
  error TEXT,
  PRIMARY KEY (job_id, student)
);
-- The service's clock for each lab it made: when it expires and when it was last used (epoch ms).
-- Kept here rather than in labels, which cannot change after a container is created.
CREATE TABLE IF NOT EXISTS lab_activity (
  lab TEXT PRIMARY KEY,
  expires_at INTEGER,
  last_activity INTEGER NOT NULL
);
-- New labs being brought up by the service (store/lab-creations.ts): a row left at start is a
-- creation a killed process never finished.
CREATE TABLE IF NOT EXISTS lab_creations (
  lab TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
-- The last run of each lab's checks (store/check-runs.ts): results as JSON, each output bounded.
CREATE TABLE IF NOT EXISTS check_runs (
  lab TEXT PRIMARY KEY,
  ran_at INTEGER NOT NULL,
  results TEXT NOT NULL
);
-- A trigger of an earlier version; the lab service now forgets runs itself.
DROP TRIGGER IF EXISTS check_runs_forget;
-- Nodes the service stopped on its own (store/node-stops.ts), and why: shown on the lab's page
-- until the node runs again. One row per node: its latest stop.
CREATE TABLE IF NOT EXISTS node_stops (
  lab TEXT NOT NULL,
  node TEXT NOT NULL,
  cause TEXT NOT NULL CHECK (cause IN ('disk-limit')),
  bytes INTEGER NOT NULL,
  limit_bytes INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (lab, node)
);
-- Terminal sessions' asciicast recordings (store/recordings.ts); the files are in the data folder.
CREATE TABLE IF NOT EXISTS recordings (
  id TEXT PRIMARY KEY,
  lab TEXT NOT NULL,
  node TEXT NOT NULL,
  owner TEXT NOT NULL,
  lab_owner TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  bytes INTEGER NOT NULL DEFAULT 0,
  truncated INTEGER NOT NULL DEFAULT 0,
  path TEXT NOT NULL
);
-- Settings the instructor changes from the dashboard (store/settings.ts), as key and JSON value.
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS job_events (
  job_id TEXT NOT NULL REFERENCES jobs(id),
  seq INTEGER NOT NULL,
  event TEXT NOT NULL,
  PRIMARY KEY (job_id, seq)
);
-- Every check's result in every run (store/check-history.ts), by owner and topology rather than
-- lab, so that a lab destroyed and brought up again keeps its owner's grades. graded = 0: run
-- after the deadline of the owner's class for that topology, kept but not counted.
CREATE TABLE IF NOT EXISTS check_history (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  lab TEXT NOT NULL,
  owner TEXT NOT NULL,
  topology TEXT NOT NULL,
  check_id TEXT NOT NULL,
  task TEXT NOT NULL,
  passed INTEGER NOT NULL,
  exit_code INTEGER,
  output TEXT NOT NULL,
  vantage TEXT NOT NULL,
  node TEXT,
  ran_at INTEGER NOT NULL,
  triggered_by TEXT NOT NULL,
  graded INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS check_history_by_owner ON check_history (owner, topology, check_id);
CREATE INDEX IF NOT EXISTS check_history_by_lab ON check_history (lab);
-- A class's deadline for a topology (store/deadlines.ts): epoch ms; fired_at once the service
-- has run every student's checks for it.
CREATE TABLE IF NOT EXISTS deadlines (
  class_id TEXT NOT NULL REFERENCES classes(id),
  topology TEXT NOT NULL,
  at INTEGER NOT NULL,
  set_by TEXT NOT NULL,
  fired_at INTEGER,
  PRIMARY KEY (class_id, topology)
);
`;

/** Opens (creating if need be) the database in `dataDir`, or an in-memory one for ":memory:". */
export function openDb(dataDir: string): Db {
  let file = ":memory:";
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = join(dataDir, "socketlab.sqlite");
  }
  const db = new DatabaseSync(file);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;");
  db.exec(SCHEMA);
  for (const [table, column, declaration] of ADDED_COLUMNS) {
    addColumn(db, table, column, declaration);
  }
  return db;
}

/**
 * Columns added to tables that a database made by an older version already has (CREATE TABLE IF
 * NOT EXISTS leaves those as they were): a class's term end (epoch ms; its users' tokens are
 * valid until then) and a token's revocation (ISO time).
 */
const ADDED_COLUMNS: readonly [table: string, column: string, declaration: string][] = [
  ["classes", "ends_at", "INTEGER"],
  ["tokens", "revoked_at", "TEXT"],
  // Before jobs had kinds, each was a spin-up of labs.
  ["jobs", "kind", "TEXT NOT NULL DEFAULT 'labs'"],
];

function addColumn(db: Db, table: string, column: string, declaration: string): void {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (columns.some((c) => c.name === column)) return;
  db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${declaration}`);
}

export function now(): string {
  return new Date().toISOString();
}
