// The set-up's folder (the compose file's own), as the import sees it: on disk for the CLI, in
// memory for an upload. Either way nothing outside it can be named.
import { readdir, realpath, stat } from "node:fs/promises";
import { join, posix, relative, sep } from "node:path";
import { folderReader, MAX_SOURCE_BYTES, type SourceRead } from "../topology/sources.ts";

/** Files one import may bring along: far above a Labsetup folder, far below a disk's worth. */
export const MAX_IMPORT_FILES = 200;
export const MAX_IMPORT_BYTES = 4 * 1024 * 1024;

export type Listing = { ok: true; files: string[] } | { ok: false; reason: string };

export interface SetupFolder {
  /** A file, by its path relative to the folder. */
  read(path: string): Promise<SourceRead>;
  /** Whether a path is a file, a folder, or neither. */
  kind(path: string): Promise<"file" | "folder" | "missing">;
  /** Every file under a folder, as paths relative to the set-up's folder, sorted. */
  list(folder: string): Promise<Listing>;
}

/**
 * A path as written in the compose file or a Dockerfile, relative to the set-up's folder and
 * normalised (`./volumes/` is `volumes`, `.` is ""); null when it leads outside the folder.
 */
export function insideFolder(written: string, base = ""): string | null {
  if (written.startsWith("/") || written.startsWith("~")) return null;
  const path = posix.normalize(posix.join(base === "" ? "." : base, written));
  if (path === ".." || path.startsWith("../") || path.startsWith("/")) return null;
  return path === "." ? "" : path.replace(/\/$/, "");
}

function tooMany(folder: string): Listing {
  return {
    ok: false,
    reason: `'${folder || "."}' holds more than ${MAX_IMPORT_FILES} files, more than an import brings along`,
  };
}

export function diskFolder(root: string): SetupFolder {
  const read = folderReader(root);
  return {
    read: (path) => read(path === "" ? "." : path),
    async kind(path) {
      try {
        const info = await stat(join(root, path));
        return info.isDirectory() ? "folder" : info.isFile() ? "file" : "missing";
      } catch {
        return "missing";
      }
    },
    async list(folder) {
      let realRoot: string;
      let start: string;
      try {
        realRoot = await realpath(root);
        start = await realpath(join(root, folder));
      } catch {
        return { ok: false, reason: `'${folder}' does not exist` };
      }
      const rel = relative(realRoot, start);
      if (rel.startsWith(`..${sep}`) || rel === "..") {
        return { ok: false, reason: `'${folder}' leads outside the set-up's folder` };
      }
      const files: string[] = [];
      const walk = async (dir: string, prefix: string): Promise<boolean> => {
        const found = await readdir(dir, { withFileTypes: true });
        for (const entry of found.toSorted((a, b) => a.name.localeCompare(b.name))) {
          const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
          // Symlinks are left to `read`, which refuses those leading out of the folder.
          if (entry.isDirectory()) {
            if (!(await walk(join(dir, entry.name), path))) return false;
          } else {
            files.push(path);
            if (files.length > MAX_IMPORT_FILES) return false;
          }
        }
        return true;
      };
      if (!(await walk(start, folder))) return tooMany(folder);
      return { ok: true, files };
    },
  };
}

/** An uploaded folder: its files by relative path. */
export function memoryFolder(files: ReadonlyMap<string, Buffer>): SetupFolder {
  const normalised = new Map<string, Buffer>();
  for (const [path, data] of files) {
    const inside = insideFolder(path);
    if (inside !== null && inside !== "") normalised.set(inside, data);
  }
  const under = (folder: string) =>
    [...normalised.keys()].filter((p) => folder === "" || p.startsWith(`${folder}/`)).sort();
  return {
    async read(path) {
      const inside = insideFolder(path);
      const data = inside === null ? undefined : normalised.get(inside);
      if (data === undefined) return { ok: false, reason: `'${path}' is not among the files sent` };
      if (data.length > MAX_SOURCE_BYTES)
        return { ok: false, reason: `'${path}' is larger than 1 MiB` };
      return { ok: true, data };
    },
    async kind(path) {
      if (normalised.has(path)) return "file";
      return under(path).length > 0 ? "folder" : "missing";
    },
    async list(folder) {
      const found = under(folder);
      return found.length > MAX_IMPORT_FILES ? tooMany(folder) : { ok: true, files: found };
    },
  };
}
