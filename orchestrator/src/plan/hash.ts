// Stable hashes of plain data: equal values hash equally whatever the order of their keys.
import { createHash } from "node:crypto";

const HASH_CHARS = 16;

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
    return `{${members.join(",")}}`;
  }
  // Like JSON.stringify, an undefined array element becomes null.
  return JSON.stringify(value) ?? "null";
}

/** The first 16 hex characters of the SHA-256 of the value's canonical JSON. */
export function stableHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, HASH_CHARS);
}
