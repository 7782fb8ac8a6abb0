// Files a role writes into its node, built from text.
import type { FileDef } from "../topology/model.ts";

export function textFile(path: string, text: string, mode = 0o644): FileDef {
  return { path, contentBase64: Buffer.from(text, "utf8").toString("base64"), mode };
}
