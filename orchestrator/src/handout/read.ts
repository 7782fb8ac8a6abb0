// Reading a topology's handout, README.md beside its topology.yaml.
import { join } from "node:path";
import { readSmallFile } from "../topology/sources.ts";

/** A handout is prose: far below this; anything larger is refused rather than held in memory. */
export const MAX_HANDOUT_BYTES = 256 * 1024;

export const HANDOUT_FILE = "README.md";

export type HandoutRead = { ok: true; markdown: string | null } | { ok: false; reason: string };

/** The handout in `folder`; `markdown: null` when there is none. */
export async function readHandout(folder: string): Promise<HandoutRead> {
  const path = join(folder, HANDOUT_FILE);
  const read = await readSmallFile(path, MAX_HANDOUT_BYTES);
  if (read.ok) return { ok: true, markdown: read.data.toString("utf8") };
  if (read.reason === "does not exist") return { ok: true, markdown: null };
  return { ok: false, reason: `${path} ${read.reason}` };
}
