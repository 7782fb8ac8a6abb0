// A digest of an image folder's content, so an image is rebuilt only when its folder changes.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [path];
  });
}

/**
 * sha256 over every file's relative path, mode and content, in a fixed order. `parent` is the
 * digest of what the image is built FROM, so a rebuilt base rebuilds everything on it.
 */
export function folderHash(dir: string, parent = ""): string {
  const hash = createHash("sha256").update(`parent:${parent}\n`);
  for (const path of listFiles(dir).sort()) {
    const mode = statSync(path).mode & 0o777;
    hash.update(`${relative(dir, path)}\0${mode.toString(8)}\0`);
    hash.update(readFileSync(path));
    hash.update("\0");
  }
  return hash.digest("hex");
}
