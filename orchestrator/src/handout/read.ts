// Reading a topology's handout, README.md beside its topology.yaml.
import { folderReader } from "../topology/sources.ts";

/** A handout is prose: far below this; anything larger is refused rather than held in memory. */
export const MAX_HANDOUT_BYTES = 256 * 1024;

export const HANDOUT_FILE = "README.md";

export type HandoutRead = { ok: true; markdown: string | null } | { ok: false; reason: string };

/**
 * The handout in `folder`; `markdown: null` when there is none. Read like a topology's source
 * files, so that a README.md linking out of the folder (to the service's database, a key) is
 * refused rather than served to every student of the lab.
 */
export async function readHandout(folder: string): Promise<HandoutRead> {
  const read = await folderReader(folder, MAX_HANDOUT_BYTES)(HANDOUT_FILE);
  if (read.ok) return { ok: true, markdown: read.data.toString("utf8") };
  if (read.reason.endsWith("does not exist")) return { ok: true, markdown: null };
  return { ok: false, reason: `${folder}: ${read.reason}` };
}
