// Reading the files a topology points at (`source:`), confined to the topology's own folder: a
// topology shared between instructors must not be able to pull in ~/.ssh or /etc/shadow.
import { readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

export const MAX_SOURCE_BYTES = 1024 * 1024;

export type SourceRead = { ok: true; data: Buffer } | { ok: false; reason: string };

/** Reads a `source` path as written in the topology. */
export type SourceReader = (source: string) => Promise<SourceRead>;

/** A reader of paths relative to `folder` that refuses any path leading out of it. */
export function folderReader(folder: string, maxBytes = MAX_SOURCE_BYTES): SourceReader {
  return async (source) => {
    const refuse = (why: string): SourceRead => ({
      ok: false,
      reason: `source '${source}' ${why}`,
    });
    if (isAbsolute(source)) return refuse("must be relative to the topology's folder");
    const target = resolve(folder, source);
    if (!isInside(resolve(folder), target)) return refuse("is outside the topology's folder");
    let real: string;
    try {
      // Symlinks are followed before judging, so that a link to /etc/passwd does not pass.
      real = await realpath(target);
      if (!isInside(await realpath(folder), real)) {
        return refuse("leads outside the topology's folder through a symlink");
      }
    } catch (error) {
      return refuse(fileError(error));
    }
    const read = await readSmallFile(real, maxBytes);
    return read.ok ? read : refuse(read.reason);
  };
}

/** Reads a regular file of at most `maxBytes`; the reason otherwise, worded to follow a name. */
export async function readSmallFile(path: string, maxBytes: number): Promise<SourceRead> {
  try {
    // Checked before reading: a FIFO would block the read, a huge file would fill the memory.
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, reason: "is not a regular file" };
    if (info.size > maxBytes) {
      return { ok: false, reason: `is larger than ${maxBytes / 1024 / 1024} MiB` };
    }
    return { ok: true, data: await readFile(path) };
  } catch (error) {
    return { ok: false, reason: fileError(error) };
  }
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

function fileError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "ENOTDIR") return "does not exist";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  return `cannot be read (${code ?? String(error)})`;
}
