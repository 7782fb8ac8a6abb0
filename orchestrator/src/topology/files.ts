// Files placed into a node: where they go, with which mode, and their content (written inline or
// read from a `source` next to the topology).
import { posix } from "node:path";
import type { Path, Report } from "./diagnostics.ts";
import type { FileDef } from "./model.ts";
import type { NodeDocument } from "./schema.ts";
import type { SourceReader } from "./sources.ts";

export type FileDocument = NonNullable<NodeDocument["files"]>[number];

export const DEFAULT_FILE_MODE = 0o644;
const MAX_FILE_MODE = 0o7777;

/**
 * A file mode as a number; null when it is not one. Text (`"0755"`) is octal. A number is what
 * YAML 1.2 made of the text: unquoted `0755` reads as decimal 755, so a number is taken as octal
 * digits, and refused if it has an 8 or a 9 (`0999`, or `0o755` already read as 493). The price:
 * `0o644` reads as 420, taken as 0420, which is why messages suggest writing modes as text.
 */
export function parseMode(mode: string | number): number | null {
  const digits = String(mode);
  if (!/^[0-7]+$/.test(digits)) return null;
  const value = Number.parseInt(digits, 8);
  return value <= MAX_FILE_MODE ? value : null;
}

/** A path inside the node must name one file plainly: `/etc/motd`, not `/etc/../motd` or `/etc/`. */
export function isPlainFilePath(path: string): boolean {
  return path !== "/" && posix.normalize(path) === path && !path.endsWith("/");
}

/** The files of one node, at `path` (`nodes.<name>.files`), in the order written. */
export async function resolveFiles(
  files: readonly (readonly [number, FileDocument])[],
  path: Path,
  readSource: SourceReader,
  report: Report,
): Promise<FileDef[]> {
  const resolved: FileDef[] = [];
  const placed = new Set<string>();
  for (const [index, file] of files) {
    const at = [...path, index];
    if (!isPlainFilePath(file.path)) {
      report(
        [...at, "path"],
        `'${file.path}' is not a plain file path (no '.', '..', '//' or trailing '/')`,
      );
    } else if (placed.has(file.path)) {
      report([...at, "path"], `'${file.path}' is already given to this node`);
    }
    placed.add(file.path);

    const mode = file.mode === undefined ? DEFAULT_FILE_MODE : parseMode(file.mode);
    if (mode === null) {
      report(
        [...at, "mode"],
        `${file.mode} is not an octal mode up to 7777; write it as text, like "0644"`,
      );
    }

    let content: Buffer | undefined;
    if (file.source !== undefined) {
      const read = await readSource(file.source);
      if (read.ok) content = read.data;
      else report([...at, "source"], read.reason);
    } else {
      content = Buffer.from(file.content ?? "", "utf8");
    }

    if (mode !== null && content !== undefined) {
      resolved.push({ path: file.path, contentBase64: content.toString("base64"), mode });
    }
  }
  return resolved;
}
