// A topology folder uploaded as an archive (.tar.gz, .tgz, .tar or .zip), unpacked in memory
// with every bound checked before anything is written: only files and folders (no links,
// devices or fifos), no path leading out of the folder, at most MAX_ARCHIVE_ENTRIES entries
// and MAX_UNPACKED_BYTES once unpacked. A single folder around everything is taken off.
import { Readable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import yauzl from "yauzl";
import type { FieldError } from "./errors.ts";
import { MAX_ARCHIVE_BYTES } from "./library-name.ts";

/** The most its files may hold together once unpacked. */
export const MAX_UNPACKED_BYTES = 16 * 1024 * 1024;
export const MAX_ARCHIVE_ENTRIES = 500;

export type Unpacked =
  | { ok: true; files: Map<string, Buffer> }
  | { ok: false; errors: FieldError[] };

const MiB = (n: number) => `${n / (1024 * 1024)} MiB`;
const problem = (entry: string, message: string): FieldError => ({
  path: `archive:${entry}`,
  message,
});

/** Thrown inside the readers to stop at the first bound passed. */
class ArchiveRefused extends Error {}

/** A safe relative path for an entry's name, or why there is none. */
export function entryPath(
  name: string,
): { ok: true; path: string } | { ok: false; reason: string } {
  if (name.includes("\\")) return { ok: false, reason: "has a '\\' in its path" };
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) {
    return { ok: false, reason: "has an absolute path" };
  }
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) return { ok: false, reason: "leads out of the folder ('..')" };
  if (parts.length === 0) return { ok: false, reason: "has no name" };
  return { ok: true, path: parts.join("/") };
}

interface Collector {
  files: Map<string, Buffer>;
  errors: FieldError[];
  entries: number;
  bytes: number;
}

/** Counts an entry; throws once a bound is passed. */
function count(into: Collector, size: number): void {
  into.entries++;
  into.bytes += size;
  if (into.entries > MAX_ARCHIVE_ENTRIES) {
    throw new ArchiveRefused(`more than ${MAX_ARCHIVE_ENTRIES} entries`);
  }
  if (into.bytes > MAX_UNPACKED_BYTES) {
    throw new ArchiveRefused(`more than ${MiB(MAX_UNPACKED_BYTES)} once unpacked`);
  }
}

function keep(into: Collector, name: string, data: Buffer): void {
  const path = entryPath(name);
  if (!path.ok) into.errors.push(problem(name, path.reason));
  else if (into.files.has(path.path)) into.errors.push(problem(name, "is in the archive twice"));
  else into.files.set(path.path, data);
}

async function readTar(bytes: Buffer, into: Collector): Promise<void> {
  const tar = extract();
  const done = new Promise<void>((resolve, reject) => {
    tar.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (data: unknown) => {
        const chunk = data as Buffer;
        size += chunk.length;
        if (into.bytes + size > MAX_UNPACKED_BYTES) {
          tar.destroy(new ArchiveRefused(`more than ${MiB(MAX_UNPACKED_BYTES)} once unpacked`));
        } else chunks.push(chunk);
      });
      stream.on("end", () => {
        try {
          count(into, size);
          if (header.type === "file") keep(into, header.name, Buffer.concat(chunks));
          else if (header.type === "directory") {
            const path = entryPath(header.name);
            if (!path.ok) into.errors.push(problem(header.name, path.reason));
          } else {
            into.errors.push(
              problem(header.name, `is a ${header.type}; an archive holds only files and folders`),
            );
          }
          next();
        } catch (error) {
          tar.destroy(error as Error);
        }
      });
    });
    tar.on("finish", resolve);
    tar.on("error", reject);
  });
  Readable.from([bytes]).pipe(tar);
  await done;
}

async function readZip(bytes: Buffer, into: Collector): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(
      bytes,
      { lazyEntries: true, strictFileNames: true, validateEntrySizes: true },
      (error, file) => (error ? reject(error) : resolve(file)),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    zip.on("error", reject);
    zip.on("end", resolve);
    zip.on("entry", (entry: yauzl.Entry) => {
      try {
        count(into, entry.uncompressedSize);
      } catch (error) {
        reject(error);
        return;
      }
      const type = (entry.externalFileAttributes >>> 16) & 0o170000;
      if (entry.fileName.endsWith("/")) {
        zip.readEntry();
        return;
      }
      if (type !== 0 && type !== 0o100000) {
        const what = type === 0o120000 ? "symbolic link" : "special file";
        into.errors.push(
          problem(entry.fileName, `is a ${what}; an archive holds only files and folders`),
        );
        zip.readEntry();
        return;
      }
      zip.openReadStream(entry, (error, stream) => {
        if (error) {
          reject(error);
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          keep(into, entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
}

/** Takes off a single folder that holds everything (`lab/topology.yaml` -> `topology.yaml`). */
function unwrap(files: Map<string, Buffer>): Map<string, Buffer> {
  const tops = new Set([...files.keys()].map((p) => p.split("/")[0]));
  const [top] = tops;
  if (tops.size !== 1 || files.has(top as string)) return files;
  return new Map([...files].map(([p, data]) => [p.slice((top as string).length + 1), data]));
}

/** Unpacks an archive's files in memory, or lists every reason to refuse it. */
export async function unpackArchive(bytes: Buffer): Promise<Unpacked> {
  if (bytes.length > MAX_ARCHIVE_BYTES) {
    return { ok: false, errors: [problem("", `is larger than ${MiB(MAX_ARCHIVE_BYTES)}`)] };
  }
  const into: Collector = { files: new Map(), errors: [], entries: 0, bytes: 0 };
  try {
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) await readZip(bytes, into);
    else {
      const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
      const tar = gzipped
        ? gunzipSync(bytes, { maxOutputLength: MAX_UNPACKED_BYTES + 4096 })
        : bytes;
      await readTar(tar, into);
    }
  } catch (error) {
    const tooLarge =
      error instanceof RangeError || (error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    const reason = tooLarge
      ? `more than ${MiB(MAX_UNPACKED_BYTES)} once unpacked`
      : (error as Error).message;
    return { ok: false, errors: [...into.errors, problem("", `cannot be read: ${reason}`)] };
  }
  if (into.errors.length > 0) return { ok: false, errors: into.errors };
  return { ok: true, files: unwrap(into.files) };
}
