// A node's files as a tar archive, the form Docker takes them in (put before the first start).
// Docker creates missing parent folders itself when it unpacks.
import { pack } from "tar-stream";
import type { FileDef } from "../topology/model.ts";

export async function filesArchive(files: FileDef[]): Promise<Buffer> {
  const archive = pack();
  // Files carry the time they are put into the node: with 1970, nginx answered a 1970
  // Last-Modified and browsers (the web-security victim's) kept stale pages from their cache.
  const mtime = new Date();
  for (const file of files) {
    archive.entry(
      { name: file.path.replace(/^\/+/, ""), mode: file.mode, mtime },
      Buffer.from(file.contentBase64, "base64"),
    );
  }
  archive.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of archive) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
