// Users, classes and the tokens users sign in with.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { type Db, now } from "./db.ts";

export type UserRole = "instructor" | "ta" | "student";

export interface User {
  id: string;
  login: string;
  name: string;
  email: string | null;
  role: UserRole;
  classId: string | null;
}

export interface ClassRecord {
  id: string;
  name: string;
  createdAt: string;
  /** The end of the class's term (epoch ms): its users' tokens are valid until then. */
  endsAt: number | null;
}

interface UserRow {
  id: string;
  login: string;
  name: string;
  email: string | null;
  role: UserRole;
  class_id: string | null;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    login: row.login,
    name: row.name,
    email: row.email,
    role: row.role,
    classId: row.class_id,
  };
}

export interface NewUser {
  login: string;
  name: string;
  email?: string | null;
  role: UserRole;
  classId?: string | null;
}

export function createUser(db: Db, user: NewUser): User {
  const id = randomUUID();
  db.prepare(
    "INSERT INTO users (id, login, name, email, role, class_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  ).run(id, user.login, user.name, user.email ?? null, user.role, user.classId ?? null, now());
  return {
    id,
    login: user.login,
    name: user.name,
    email: user.email ?? null,
    role: user.role,
    classId: user.classId ?? null,
  };
}

export function userByLogin(db: Db, login: string): User | null {
  const row = db.prepare("SELECT * FROM users WHERE login = ?").get(login) as UserRow | undefined;
  return row ? toUser(row) : null;
}

export function hasInstructor(db: Db): boolean {
  return db.prepare("SELECT 1 FROM users WHERE role = 'instructor'").get() !== undefined;
}

export function usersOfClass(db: Db, classId: string, role?: UserRole): User[] {
  const rows = (role
    ? db
        .prepare("SELECT * FROM users WHERE class_id = ? AND role = ? ORDER BY login")
        .all(classId, role)
    : db
        .prepare("SELECT * FROM users WHERE class_id = ? ORDER BY login")
        .all(classId)) as unknown as UserRow[];
  return rows.map(toUser);
}

export function createClass(db: Db, name: string, endsAt: number | null): ClassRecord {
  const record = { id: randomUUID(), name, createdAt: now(), endsAt };
  db.prepare("INSERT INTO classes (id, name, created_at, ends_at) VALUES (?, ?, ?, ?)").run(
    record.id,
    record.name,
    record.createdAt,
    record.endsAt,
  );
  return record;
}

interface ClassRow {
  id: string;
  name: string;
  created_at: string;
  ends_at: number | null;
}

const toClass = (r: ClassRow): ClassRecord => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  endsAt: r.ends_at,
});

export function classById(db: Db, id: string): ClassRecord | null {
  const row = db.prepare("SELECT * FROM classes WHERE id = ?").get(id) as ClassRow | undefined;
  return row ? toClass(row) : null;
}

export function listClasses(db: Db): ClassRecord[] {
  const rows = db
    .prepare("SELECT * FROM classes ORDER BY created_at")
    .all() as unknown as ClassRow[];
  return rows.map(toClass);
}

export function setClassEnd(db: Db, id: string, endsAt: number | null): void {
  db.prepare("UPDATE classes SET ends_at = ? WHERE id = ?").run(endsAt, id);
}

/** Removes a user and their tokens. */
export function deleteUser(db: Db, userId: string): void {
  db.prepare("DELETE FROM tokens WHERE user_id = ?").run(userId);
  db.prepare("DELETE FROM users WHERE id = ?").run(userId);
}

// Tokens are `slt_<id>_<secret>`: the id finds the row, the secret is compared by its sha256 in
// constant time. A salted slow hash (bcrypt, scrypt) guards guessable passwords; these secrets
// are 256 random bits, which no offline search can reach, so a plain sha256 suffices.
const TOKEN = /^slt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Issues a new token for `userId`; the token itself is returned once and never stored. */
export function issueToken(db: Db, userId: string, token = newToken()): string {
  const match = TOKEN.exec(token);
  if (!match) throw new Error("a token must look like slt_<16 hex>_<43 base64url>");
  db.prepare("INSERT INTO tokens (id, hash, user_id, created_at) VALUES (?, ?, ?, ?)").run(
    match[1] as string,
    sha256(match[2] as string).toString("hex"),
    userId,
    now(),
  );
  return token;
}

export function newToken(): string {
  return `slt_${randomBytes(8).toString("hex")}_${randomBytes(32).toString("base64url")}`;
}

/** A token's sign-in: its user and id, or why it signs no one in (a message for its holder). */
export type SignIn = { ok: true; user: User; tokenId: string } | { ok: false; reason: string };

const NOT_VALID = "the token is not valid";

interface TokenRow extends UserRow {
  token_id: string;
  hash: string;
  revoked_at: string | null;
  ends_at: number | null;
}

const TOKEN_ROW = `SELECT t.id AS token_id, t.hash, t.revoked_at, c.ends_at, u.*
  FROM tokens t JOIN users u ON u.id = t.user_id LEFT JOIN classes c ON c.id = u.class_id
  WHERE t.id = ?`;

/** Why a token that exists signs no one in at `at` (epoch ms): revoked, or its class's term over. */
function tokenProblem(row: TokenRow, at: number): string | null {
  if (row.revoked_at !== null) return "the token was revoked";
  if (row.ends_at !== null && at >= row.ends_at) {
    return `the token expired with its class's term (${new Date(row.ends_at).toISOString()})`;
  }
  return null;
}

/** Signs `token` in at `at` (epoch ms). */
export function signIn(db: Db, token: string, at: number): SignIn {
  const match = TOKEN.exec(token);
  if (!match) return { ok: false, reason: NOT_VALID };
  const row = db.prepare(TOKEN_ROW).get(match[1] as string) as TokenRow | undefined;
  if (!row) return { ok: false, reason: NOT_VALID };
  const given = sha256(match[2] as string);
  if (!timingSafeEqual(given, Buffer.from(row.hash, "hex")))
    return { ok: false, reason: NOT_VALID };
  const problem = tokenProblem(row, at);
  if (problem) return { ok: false, reason: problem };
  return { ok: true, user: toUser(row), tokenId: row.token_id };
}

/** Why the token `tokenId` no longer signs in at `at`, or null while it does (open sockets). */
export function tokenIdProblem(db: Db, tokenId: string, at: number): string | null {
  const row = db.prepare(TOKEN_ROW).get(tokenId) as TokenRow | undefined;
  return row ? tokenProblem(row, at) : NOT_VALID;
}

/** Revokes every token of `userId` still in force; how many. */
export function revokeTokens(db: Db, userId: string): number {
  const result = db
    .prepare("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
    .run(now(), userId);
  return Number(result.changes);
}

/** The ids of `userId`'s tokens not revoked. */
export function liveTokenIds(db: Db, userId: string): string[] {
  const rows = db
    .prepare("SELECT id FROM tokens WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at")
    .all(userId) as { id: string }[];
  return rows.map((r) => r.id);
}

/**
 * Makes `token` (issued before, or new) `userId`'s only token in force; how many others it
 * revoked and whether it was issued (or put back in force) now.
 */
export function keepOnlyToken(
  db: Db,
  userId: string,
  token: string,
): { revoked: number; restored: boolean } {
  const id = TOKEN.exec(token)?.[1];
  if (id === undefined) throw new Error("a token must look like slt_<16 hex>_<43 base64url>");
  const row = db.prepare("SELECT hash, user_id, revoked_at FROM tokens WHERE id = ?").get(id) as
    | { hash: string; user_id: string; revoked_at: string | null }
    | undefined;
  const secret = sha256((TOKEN.exec(token) as RegExpExecArray)[2] as string);
  if (row && (row.user_id !== userId || !timingSafeEqual(secret, Buffer.from(row.hash, "hex")))) {
    throw new Error("the token's id is already taken by another token");
  }
  const revoked = db
    .prepare(
      "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
    )
    .run(now(), userId, id).changes;
  if (row === undefined) issueToken(db, userId, token);
  else db.prepare("UPDATE tokens SET revoked_at = NULL WHERE id = ?").run(id);
  return { revoked: Number(revoked), restored: row === undefined || row.revoked_at !== null };
}
