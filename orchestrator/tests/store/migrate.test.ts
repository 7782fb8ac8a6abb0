// A database made before tokens could be revoked and classes had terms gets those columns when
// the service opens it, keeping every row: its tokens still sign in, with no term to end them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import { issueToken, revokeTokens, signIn } from "../../src/store/users.ts";

describe("an older database", () => {
  it("gains the term and revocation columns, its tokens still valid", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sl-migrate-"));
    try {
      const old = new DatabaseSync(join(dir, "socketlab.sqlite"));
      old.exec(`
        CREATE TABLE classes (id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at TEXT NOT NULL);
        CREATE TABLE users (id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
          email TEXT, role TEXT NOT NULL, class_id TEXT REFERENCES classes(id), created_at TEXT NOT NULL);
        CREATE TABLE tokens (id TEXT PRIMARY KEY, hash TEXT NOT NULL,
          user_id TEXT NOT NULL REFERENCES users(id), created_at TEXT NOT NULL);
        INSERT INTO classes VALUES ('c1', 'net-101', '2026-01-01T00:00:00Z');
        INSERT INTO users VALUES ('u1', 'ada', 'Ada', NULL, 'student', 'c1', '2026-01-01T00:00:00Z');
      `);
      old.close();
      const db = openDb(dir);
      const token = issueToken(db, "u1");
      const at = Date.parse("2030-01-01T00:00:00Z");
      expect(signIn(db, token, at)).toMatchObject({ ok: true, user: { login: "ada" } });
      expect(revokeTokens(db, "u1")).toBe(1);
      expect(signIn(db, token, at)).toEqual({ ok: false, reason: "the token was revoked" });
      db.close();
      // Opening it again adds nothing twice.
      openDb(dir).close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
