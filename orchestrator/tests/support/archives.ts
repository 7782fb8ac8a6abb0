// Archives built in memory for the tests of topology uploads: tar (tar-stream, gzipped or not)
// with any entry type and name, and zip (Python's zipfile, which sets any entry's Unix mode).
import { execFileSync } from "node:child_process";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

export interface TarEntry {
  name: string;
  content?: string | Buffer;
  type?: "file" | "directory" | "symlink" | "link";
  linkname?: string;
}

export async function tarArchive(entries: TarEntry[], gzip = true): Promise<Buffer> {
  const tar = pack();
  for (const entry of entries) {
    const header = {
      name: entry.name,
      type: entry.type ?? "file",
      ...(entry.linkname ? { linkname: entry.linkname } : {}),
    };
    if (entry.content === undefined) tar.entry(header);
    else tar.entry(header, Buffer.from(entry.content));
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return gzip ? gzipSync(bytes) : bytes;
}

export interface ZipEntry {
  name: string;
  content: string;
  /** The entry's Unix mode, e.g. 0o120777 for a symbolic link. */
  mode?: number;
}

export function zipArchive(entries: ZipEntry[]): Buffer {
  const script = `
import io, json, sys, zipfile
out = io.BytesIO()
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for e in json.load(sys.stdin):
        info = zipfile.ZipInfo(e["name"])
        info.external_attr = e.get("mode", 0o100644) << 16
        z.writestr(info, e["content"])
sys.stdout.buffer.write(out.getvalue())
`;
  return execFileSync("python3", ["-c", script], { input: JSON.stringify(entries) });
}
