// Per-lab values: random text made for each lab instance (a secret, a flag, a password), so that
// two students' answers differ. A topology declares them under `values` and refers to them as
// `${{ values.NAME }}` in env, files, start commands, roles' config and checks; the planner puts
// each lab's own value in their place (plan/values.ts). `${{` is no valid shell or YAML syntax
// of its own, so a reference never hides a command's meaning.
import type { Path, Report } from "./diagnostics.ts";
import { DEFAULT_VALUE_LENGTH, type NodeDef, type ValueDef } from "./model.ts";
import { topologySchema } from "./schema.ts";
import { entries, items, member, valid } from "./wellformed.ts";

const valueSchema = topologySchema.shape.values.unwrap().valueType;

/** Where a reference starts; each must be a whole `${{ values.NAME }}`. */
const OPENING = "${{";
const REFERENCE = /^\$\{\{\s*values\.([a-z][a-z0-9-]*)\s*\}\}/;
const PLACES = "a per-lab value is only put in env, files, start, config and checks' commands";

/** The declared values; `NAME: ~` takes every default. A malformed one is left to the shape check. */
export function resolveValues(written: unknown): ValueDef[] {
  const values: ValueDef[] = [];
  for (const [name, value] of entries(written)) {
    const def = valid(valueSchema, value);
    if (def === undefined) continue;
    values.push({
      name,
      length: def?.length ?? DEFAULT_VALUE_LENGTH,
      alphabet: def?.alphabet ?? "alnum",
    });
  }
  return values;
}

/** The names a text refers to, in order; a malformed reference throws with what is wrong. */
export function valueReferences(text: string): string[] {
  const names: string[] = [];
  for (let at = text.indexOf(OPENING); at !== -1; at = text.indexOf(OPENING, at + 1)) {
    const match = REFERENCE.exec(text.slice(at));
    if (match === null) {
      throw new MalformedReferenceError(
        `'${text.slice(at, at + 40)}' is not a value reference: write \${{ values.NAME }}`,
      );
    }
    names.push(match[1] as string);
  }
  return names;
}

/** `text` with every reference replaced by its value; a name without a value throws. */
export function substituteValues(text: string, values: Readonly<Record<string, string>>): string {
  if (!text.includes(OPENING)) return text;
  return text.replace(new RegExp(REFERENCE.source.slice(1), "g"), (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value '${name}' for this lab`);
    return value;
  });
}

export class MalformedReferenceError extends Error {}

/**
 * Whether values are put in place at `path`: env, inline files, start commands, every text of a
 * role's config (a lab password, say), checks' commands.
 */
function substitutedAt(path: Path): boolean {
  const [top, , field, , leaf] = path;
  if (top === "checks") return path.length === 3 && path[2] === "command";
  if (top !== "nodes") return false;
  if (field === "env") return path.length === 4;
  if (field === "start") return path.length === 4;
  if (field === "config") return true;
  return field === "files" && path.length === 5 && leaf === "content";
}

/**
 * Reports every reference to an undeclared value, every malformed one, and every one written
 * where no value is put in place, at the text that holds it; references in a node's `source`
 * files (text files only) are reported at their `source` field.
 */
export function checkValueReferences(
  data: Record<string, unknown>,
  nodes: readonly NodeDef[],
  report: Report,
): void {
  // Every name written, well-formed or not: a malformed value is reported once, where it stands.
  const declared = new Set(entries(data.values).map(([name]) => name));
  const known = [...declared].join(", ") || "none declared under values";
  const checkText = (text: string, path: Path, where = "") => {
    try {
      for (const name of valueReferences(text)) {
        if (!declared.has(name)) {
          report(path, `${where}unknown value '${name}' (values: ${known})`);
        }
      }
    } catch (error) {
      if (!(error instanceof MalformedReferenceError)) throw error;
      report(path, `${where}${error.message}`);
    }
  };
  walkStrings(data, [], (text, path) => {
    if (!text.includes(OPENING)) return;
    if (substitutedAt(path)) checkText(text, path);
    else report(path, PLACES);
  });
  for (const [name, node] of entries(data.nodes)) {
    for (const [index, file] of items(member(node, "files"))) {
      const source = member(file, "source");
      const target = member(file, "path");
      const resolved = nodes.find((n) => n.name === name)?.files.find((f) => f.path === target);
      if (typeof source !== "string" || resolved === undefined) continue;
      const text = Buffer.from(resolved.contentBase64, "base64").toString("utf8");
      checkText(text, ["nodes", name, "files", index, "source"], `in ${source}: `);
    }
  }
}

function walkStrings(value: unknown, path: Path, visit: (text: string, path: Path) => void): void {
  if (typeof value === "string") visit(value, path);
  else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) walkStrings(item, [...path, index], visit);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
  }
}
