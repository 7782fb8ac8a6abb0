// Compose names (`Router`, `net-10.9.0.0`, `local_server`) as topology names: lowercase letters,
// digits and '-', starting with a letter, 30 at most, each one once.
import { NAME_PATTERN } from "../topology/schema.ts";

const MAX_NAME = 30;

/** A topology name for `written`, different from every name in `taken` (which it joins). */
export function topologyName(written: string, taken: Set<string>): string {
  let base = written
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
  if (!/^[a-z]/.test(base)) base = `n-${base}`.replace(/-+$/, "");
  base = base.slice(0, MAX_NAME).replace(/-+$/, "");
  let name = base;
  for (let n = 2; taken.has(name) || !NAME_PATTERN.test(name); n++) {
    const suffix = `-${n}`;
    name = `${base.slice(0, MAX_NAME - suffix.length).replace(/-+$/, "")}${suffix}`;
  }
  taken.add(name);
  return name;
}

/** A lab's name from its set-up's folder: `DNS_Local/Labsetup` gives `dns-local`. */
export function labName(folders: readonly string[]): string {
  const useful = folders.filter((f) => f !== "" && f !== "." && !/^labsetup$/i.test(f));
  return topologyName(useful.at(-1) ?? "imported", new Set());
}
