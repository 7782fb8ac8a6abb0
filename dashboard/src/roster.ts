// A roster file chosen in the browser (CSV from a spreadsheet, or JSON), as the service takes
// it, and the service's problems with it said as a person reads them: line 3, email: ...
import { ApiError, type FieldProblem, type RosterUpload } from "./api.ts";
import { errorMessage, h } from "./dom.ts";

/** The largest roster file read: far above a class's, far below what would hang the tab. */
const MAX_ROSTER_FILE_BYTES = 512 * 1024;

/** The students of a roster file: CSV text is sent as it is, for the service to check. */
export async function readRosterFile(file: File): Promise<Omit<RosterUpload, "tas">> {
  if (file.size > MAX_ROSTER_FILE_BYTES) {
    throw new Error(`${file.name} is larger than a roster can be (512 KiB)`);
  }
  const text = await file.text();
  const json = file.name.toLowerCase().endsWith(".json") || /^\s*[[{]/.test(text);
  if (!json) return { csv: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file.name} is not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(parsed) ? parsed : (parsed as { students?: unknown }).students;
  if (!Array.isArray(list)) {
    throw new Error(
      `${file.name}: a JSON roster is a list of {name, email, id}, or {students: [...]}`,
    );
  }
  return { students: list as RosterUpload["students"] };
}

/** `csv:3:email` -> `line 3, email`; `body.students.2.name` -> `entry 3, name`. */
export function describePath(path: string): string {
  const csv = /^csv:(\d+)(?::(\w+))?$/.exec(path);
  if (csv) return `line ${csv[1]}${csv[2] ? `, ${csv[2]}` : ""}`;
  const entry = /^body\.(students|tas)\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (entry) {
    const what = entry[1] === "tas" ? "TA" : "entry";
    return `${what} ${Number(entry[2]) + 1}${entry[3] ? `, ${entry[3]}` : ""}`;
  }
  return path.replace(/^body\./, "");
}

/** An error, with each field problem on its own line when the service listed them. */
export function problems(error: unknown): HTMLElement {
  const fields: FieldProblem[] = error instanceof ApiError ? error.fields : [];
  if (fields.length === 0) return errorMessage(error);
  return h(
    "div",
    { className: "problems", attrs: { role: "alert" } },
    h("p", { className: "error" }, `${(error as Error).message}:`),
    h(
      "ul",
      { className: "errors" },
      ...fields.map((f) => h("li", {}, h("strong", {}, describePath(f.path)), `: ${f.message}`)),
    ),
  );
}
