// A database made before jobs had kinds opens with every old job a spin-up of labs.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { readJob } from "../../src/store/jobs.ts";

it("adds the kind column to an older jobs table, old jobs being spin-ups of labs", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sl-db-"));
  const old = new DatabaseSync(join(dir, "socketlab.sqlite"));
  old.exec(`CREATE TABLE classes (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE jobs (id TEXT PRIMARY KEY, class_id TEXT NOT NULL REFERENCES classes(id),
      topology TEXT NOT NULL, concurrency INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'finished')),
      created_by TEXT NOT NULL, created_at TEXT NOT NULL);
    INSERT INTO classes VALUES ('c', 'net', 'x');
    INSERT INTO jobs VALUES ('j', 'c', 'sockets', 2, 'finished', 'i', 'x');`);
  old.close();
  const db = openDb(dir);
  expect(readJob(db, "j")).toMatchObject({ id: "j", kind: "labs", topology: "sockets" });
  db.close();
  // Opening again changes nothing.
  expect(readJob(openDb(dir), "j")?.kind).toBe("labs");
});
