// A class roster, pasted as CSV (columns name,email,id) or sent as a JSON list, turned into
// students with unique logins. Every bad line is reported at once, with its line number.
import type { FieldError } from "./errors.ts";

export interface RosterEntry {
  name: string;
  email?: string | undefined;
  id?: string | undefined;
}

export type RosterResult =
  | { ok: true; entries: RosterEntry[] }
  | { ok: false; errors: FieldError[] };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COLUMNS = ["name", "email", "id"] as const;

/**
 * Parses CSV text: a header naming some of name, email, id (name required), then one student
 * per line. Quoted fields ("Doe, Jane") may hold commas and doubled quotes.
 */
export function parseRosterCsv(text: string): RosterResult {
  const lines = text.split(/\r?\n/);
  const errors: FieldError[] = [];
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim().toLowerCase());
  for (const h of header) {
    if (!(COLUMNS as readonly string[]).includes(h)) {
      errors.push({ path: "csv:1", message: `unknown column '${h}'; expected name, email, id` });
    }
  }
  if (!header.includes("name"))
    errors.push({ path: "csv:1", message: "a 'name' column is needed" });
  if (errors.length > 0) return { ok: false, errors };
  const entries: RosterEntry[] = [];
  lines.slice(1).forEach((line, index) => {
    if (line.trim() === "") return;
    const at = `csv:${index + 2}`;
    const cells = splitCsvLine(line);
    if (cells.length !== header.length) {
      errors.push({
        path: at,
        message: `${cells.length} fields where the header has ${header.length}`,
      });
      return;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? "").trim()]));
    entries.push({ name: row.name ?? "", email: row.email || undefined, id: row.id || undefined });
    errors.push(...checkEntry(entries.at(-1) as RosterEntry, at));
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

/** Checks a JSON roster; paths are `body.students.N.field`. */
export function checkRosterList(entries: RosterEntry[]): RosterResult {
  const errors = entries.flatMap((e, i) => checkEntry(e, `body.students.${i}`));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

function checkEntry(entry: RosterEntry, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const field = (name: string) => (at.startsWith("csv:") ? `${at}:${name}` : `${at}.${name}`);
  if (entry.name.trim() === "") errors.push({ path: field("name"), message: "a name is needed" });
  if (entry.email !== undefined && !EMAIL.test(entry.email)) {
    errors.push({ path: field("email"), message: `'${entry.email}' is not an e-mail address` });
  }
  if (entry.id !== undefined && slug(entry.id) === "") {
    errors.push({ path: field("id"), message: `id '${entry.id}' has no letter or digit` });
  }
  return errors;
}

function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      cells.push(cell);
      cell = "";
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** Lowercase letters, digits and single '-', at most 24 characters: fits in a lab id. */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 24)
    .replace(/-+$/, "");
}

/**
 * A login for each entry: its id, else its e-mail's local part, else its name, as a slug;
 * `-2`, `-3`, ... where one is already taken (by `taken` or earlier in the roster).
 */
export function assignLogins(entries: RosterEntry[], taken: (login: string) => boolean): string[] {
  const used = new Set<string>();
  return entries.map((e) => {
    const base = slug(e.id ?? e.email?.split("@")[0] ?? e.name) || "student";
    let login = base;
    for (let n = 2; used.has(login) || taken(login); n++) login = `${base}-${n}`;
    used.add(login);
    return login;
  });
}
