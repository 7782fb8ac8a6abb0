// Writes an imported topology folder: whole or not at all, and never over an existing folder.
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

/** Refused: the target already holds something. */
export class FolderExistsError extends Error {}

export async function writeFolder(
  target: string,
  files: ReadonlyMap<string, Buffer>,
): Promise<void> {
  const folder = resolve(target);
  const existing = await readdir(folder).catch(() => null);
  if (existing !== null && existing.length > 0) {
    throw new FolderExistsError(`${target} exists and is not empty`);
  }
  // Written beside the target, then renamed into place: an interrupted import leaves no half folder.
  const staging = `${folder}.importing-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const [path, data] of files) {
      const at = join(staging, path);
      await mkdir(dirname(at), { recursive: true });
      await writeFile(at, data);
    }
    if (existing !== null) await rm(folder, { recursive: true });
    await mkdir(dirname(folder), { recursive: true });
    await rename(staging, folder);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
