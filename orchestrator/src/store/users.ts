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

export function loginTaken(db: Db, login: string): boolean {
  return db.prepare("SELECT 1 FROM users WHERE login = ?").get(login) !== undefined;
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

export function createClass(db: Db, name: string): ClassRecord {
  const record = { id: randomUUID(), name, createdAt: now() };
  db.prepare("INSERT INTO classes (id, name, created_at) VALUES (?, ?, ?)").run(
    record.id,
    record.name,
    record.createdAt,
  );
  return record;
}

export function classById(db: Db, id: string): ClassRecord | null {
  const row = db.prepare("SELECT id, name, created_at FROM classes WHERE id = ?").get(id) as
    | { id: string; name: string; created_at: string }
    | undefined;
  return row ? { id: row.id, name: row.name, createdAt: row.created_at } : null;
}

export function listClasses(db: Db): ClassRecord[] {
  const rows = db.prepare("SELECT id, name, created_at FROM classes ORDER BY created_at").all() as {
    id: string;
    name: string;
    created_at: string;
  }[];
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at }));
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

/** The user a token belongs to and the token's id, or null for anything else. */
export function authenticate(db: Db, token: string): { user: User; tokenId: string } | null {
  const match = TOKEN.exec(token);
  if (!match) return null;
  const row = db
    .prepare(
      "SELECT t.id AS token_id, t.hash, u.* FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?",
    )
    .get(match[1] as string) as (UserRow & { token_id: string; hash: string }) | undefined;
  if (!row) return null;
  const given = sha256(match[2] as string);
  if (!timingSafeEqual(given, Buffer.from(row.hash, "hex"))) return null;
  return { user: toUser(row), tokenId: row.token_id };
}
