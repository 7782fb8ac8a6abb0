// A roster file chosen in the browser (CSV from a spreadsheet, or JSON), as the service takes it.
import type { RosterUpload } from "./api.ts";

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
