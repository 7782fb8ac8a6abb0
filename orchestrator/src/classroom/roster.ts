// A class roster, uploaded as CSV (columns name, email, id; `,` or `;`; quoted fields; the BOM
// of a spreadsheet's export) or sent as a JSON list, turned into students with unique logins.
// Every problem is reported at once, with its line (CSV) or index (JSON) and field.
import { CsvError, parse } from "csv-parse/sync";
import type { FieldError } from "./errors.ts";

export interface RosterEntry {
  name: string;
  email?: string | undefined;
  id?: string | undefined;
}

/** An entry and where it was given: `csv:LINE` or `body.students.N`, for its errors' paths. */
export interface PlacedEntry {
  entry: RosterEntry;
  at: string;
}

/** The entries read (also when some are wrong, so that later checks see them) and every error. */
export interface RosterResult {
  entries: PlacedEntry[];
  errors: FieldError[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const COLUMNS = ["name", "email", "id"] as const;
/** Rows a roster may have: a class of a few hundred fits many times over. */
export const MAX_ROSTER_ENTRIES = 2000;

/** The path of `field` of the entry at `at`. */
export const fieldPath = (at: string, field: string) =>
  at.startsWith("csv:") ? `${at}:${field}` : `${at}.${field}`;

/**
 * Parses CSV text: a header naming some of name, email, id (name required), then one student
 * per row. The delimiter is the header's: `;` when it has one and no `,`, else `,`.
 */
export function parseRosterCsv(text: string): RosterResult {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") && !firstLine.includes(",") ? ";" : ",";
  const errors: FieldError[] = [];
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(body, {
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // A malformed row is skipped and reported, so that the rows after it are still checked.
      skip_records_with_error: true,
      on_skip: (error: CsvError | undefined) => {
        if (error) errors.push({ path: `csv:${error.lines}`, message: csvMessage(error) });
      },
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    errors.push({ path: `csv:${error.lines}`, message: csvMessage(error) });
    return { entries: [], errors };
  }
  const [head, ...records] = rows;
  const header = (head?.record ?? []).map((h) => h.trim().toLowerCase());
  for (const h of header) {
    if (!(COLUMNS as readonly string[]).includes(h)) {
      errors.push({ path: "csv:1", message: `unknown column '${h}'; expected name, email, id` });
    }
  }
  if (!header.includes("name"))
    errors.push({ path: "csv:1", message: "a 'name' column is needed" });
  if (new Set(header).size !== header.length) {
    errors.push({ path: "csv:1", message: "a column is named twice" });
  }
  if (errors.some((e) => e.path === "csv:1")) return { entries: [], errors };
  if (records.length > MAX_ROSTER_ENTRIES) {
    return { entries: [], errors: [{ path: "csv", message: tooMany(records.length) }] };
  }
  const entries: PlacedEntry[] = [];
  for (const { record, info } of records) {
    const at = `csv:${info.lines}`;
    if (record.length !== header.length) {
      errors.push({
        path: at,
        message: `${record.length} fields where the header has ${header.length}`,
      });
      continue;
    }
    const row = Object.fromEntries(header.map((h, i) => [h, (record[i] ?? "").trim()]));
    const entry = { name: row.name ?? "", email: row.email || undefined, id: row.id || undefined };
    entries.push({ entry, at });
    errors.push(...checkEntry(entry, at));
  }
  errors.push(...duplicates(entries));
  return { entries, errors: sortByLine(errors) };
}

/** Checks a JSON roster; paths are `body.students.N.field`. */
export function checkRosterList(list: RosterEntry[], at = "body.students"): RosterResult {
  if (list.length > MAX_ROSTER_ENTRIES) {
    return { entries: [], errors: [{ path: at, message: tooMany(list.length) }] };
  }
  const entries = list.map((entry, i) => ({ entry, at: `${at}.${i}` }));
  return {
    entries,
    errors: [...entries.flatMap((e) => checkEntry(e.entry, e.at)), ...duplicates(entries)],
  };
}

const tooMany = (n: number) => `${n} students; a roster has at most ${MAX_ROSTER_ENTRIES}`;

function csvMessage(error: CsvError): string {
  // csv-parse's messages are "Code Name: detail"; the detail is what a person can act on.
  const detail = error.message.replace(/^[A-Za-z ]+:\s*/, "");
  return `malformed row: ${detail}`;
}

function checkEntry(entry: RosterEntry, at: string): FieldError[] {
  const errors: FieldError[] = [];
  if (entry.name.trim() === "")
    errors.push({ path: fieldPath(at, "name"), message: "a name is needed" });
  if (entry.email !== undefined && !EMAIL.test(entry.email)) {
    errors.push({
      path: fieldPath(at, "email"),
      message: `'${entry.email}' is not an e-mail address`,
    });
  }
  if (entry.id !== undefined && slug(entry.id) === "") {
    errors.push({ path: fieldPath(at, "id"), message: `id '${entry.id}' has no letter or digit` });
  }
  return errors;
}

/** The same id (as a login) or e-mail address twice in one roster: each repeat is an error. */
function duplicates(entries: PlacedEntry[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ["id", "email"] as const) {
    const first = new Map<string, string>();
    for (const { entry, at } of entries) {
      const raw = entry[field];
      if (raw === undefined) continue;
      const key = field === "id" ? slug(raw) : raw.toLowerCase();
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, at);
      else {
        const what = field === "id" ? `login '${key}'` : `e-mail address '${raw}'`;
        errors.push({ path: fieldPath(at, field), message: `${what} is also at ${earlier}` });
      }
    }
  }
  return errors;
}

/** CSV errors in the order of their lines (a stable sort: a line's own order is kept). */
export function sortByLine(errors: FieldError[]): FieldError[] {
  const line = (path: string) => Number(/^csv:(\d+)/.exec(path)?.[1] ?? 0);
  return [...errors].sort((a, b) => line(a.path) - line(b.path));
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
 * A login for each entry. An entry's id is its login as given: an id that another user already
 * has (`holder` names their class) is an error. Without an id, the login comes from the e-mail's
 * local part, else the name, with `-2`, `-3`, ... where it is taken (by `holder` or earlier here).
 */
export function assignLogins(
  entries: PlacedEntry[],
  holder: (login: string) => string | null,
): { ok: true; logins: string[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const explicit = new Set(entries.flatMap(({ entry }) => (entry.id ? [slug(entry.id)] : [])));
  const used = new Set<string>();
  const logins = entries.map(({ entry, at }) => {
    if (entry.id !== undefined) {
      const login = slug(entry.id);
      const other = holder(login);
      if (other !== null) {
        errors.push({ path: fieldPath(at, "id"), message: `login '${login}' is taken (${other})` });
      }
      used.add(login);
      return login;
    }
    const base = slug(entry.email?.split("@")[0] ?? entry.name) || "student";
    let login = base;
    for (let n = 2; used.has(login) || explicit.has(login) || holder(login) !== null; n++) {
      login = `${base}-${n}`;
    }
    used.add(login);
    return login;
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, logins };
}
