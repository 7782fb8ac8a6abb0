// Turns a topology's YAML text into plain data, refusing what a topology never needs and what
// could hurt the loader: megabytes of text, several documents, duplicate keys, alias bombs.
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { type Diagnostic, formatField, type Path } from "./diagnostics.ts";
import { keyText, locate, type Position, positionOf } from "./positions.ts";

export const MAX_DOCUMENT_BYTES = 1024 * 1024;
/** Alias uses `toJS` may expand: far above any real topology, far below a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;
/** After a syntax error the parser often reports one more per line; the first ones say it all. */
const MAX_SYNTAX_ERRORS = 10;

/** The document as plain data, unless it is too broken to check any further. */
export type ParsedDocument =
  | { data: null; diagnostics: Diagnostic[] }
  | {
      data: Record<string, unknown>;
      /** Problems that do not stop the checks: duplicate keys. */
      diagnostics: Diagnostic[];
      locate: (path: Path, at?: "key" | "value") => Position;
    };

export function parseTopologyYaml(text: string, file: string): ParsedDocument {
  return parseYamlMapping(text, file, {
    what: "topology",
    notMapping: "a topology must be a mapping with name, networks and nodes",
    prepare: keepAddressesAsWritten,
  });
}

export interface MappingKind {
  /** What the file is, in messages: "topology", "compose file". */
  what: string;
  /** The message when the document is not a mapping. */
  notMapping: string;
  /** Adjusts the parsed document before it becomes plain data. */
  prepare?: (doc: Document) => void;
}

/** Any YAML file whose document is one mapping, with the same limits and checks as a topology. */
export function parseYamlMapping(text: string, file: string, kind: MappingKind): ParsedDocument {
  const lines = countLines(text);
  const diagnostics: Diagnostic[] = [];
  const stop = (message?: string): ParsedDocument => {
    if (message) diagnostics.push({ file, line: 1, col: 1, field: "", message });
    return { data: null, diagnostics };
  };
  if (Buffer.byteLength(text, "utf8") > MAX_DOCUMENT_BYTES) {
    return stop(`the file is larger than 1 MiB, far more than any ${kind.what} needs`);
  }
  // Duplicate keys are looked for below, where their path is known.
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  for (const error of doc.errors.slice(0, MAX_SYNTAX_ERRORS)) {
    const { line, col } = lines.linePos(error.pos[0]);
    diagnostics.push({ file, line, col, field: "", message: `invalid YAML: ${error.message}` });
  }
  if (doc.errors.length > 0) return stop();
  if (!isMap(doc.contents)) return stop(kind.notMapping);

  let unresolved = false;
  const found = (path: Path, node: unknown, message: string) =>
    diagnostics.push({ file, ...positionOf(node, lines), field: formatField(path), message });
  // Recursion is safe: the parser itself refuses documents nested more than about a thousand deep.
  const walk = (node: unknown, path: Path): void => {
    if (isAlias(node) && node.resolve(doc) === undefined) {
      unresolved = true;
      found(path, node, `alias *${node.source} has no anchor &${node.source} before it`);
    } else if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = keyText(pair.key);
        if (seen.has(key)) found([...path, key], pair.key, `duplicate field '${key}'`);
        seen.add(key);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      for (const [index, item] of node.items.entries()) walk(item, [...path, index]);
    }
  };
  walk(doc.contents, []);
  if (unresolved) return stop();

  kind.prepare?.(doc);
  let data: Record<string, unknown>;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // With every alias resolved, yaml throws a ReferenceError only for excessive expansion.
    if (!(error instanceof ReferenceError)) throw error;
    return stop(`aliases expand into too many values (over ${MAX_ALIAS_COUNT}); write them out`);
  }
  return { data, diagnostics, locate: (path, at) => locate(doc, lines, path, at) };
}

/**
 * Where each line starts. The parser's own count (its `lineCounter` option) misses the line breaks
 * inside some broken flow collections, which put later positions past the end of a line; the
 * fuzz test found it.
 */
function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) {
    lines.addNewLine(at + 1);
  }
  return lines;
}

/**
 * YAML reads an unquoted `.53` as the number 0.53, but a node's attachment is an address (`.53`
 * is its host part), so these scalars keep the text as written.
 */
function keepAddressesAsWritten(doc: Document): void {
  const nodes = doc.get("nodes");
  if (!isMap(nodes)) return;
  for (const node of nodes.items) {
    const networks = isMap(node.value) ? node.value.get("networks") : undefined;
    if (!isMap(networks)) continue;
    for (const { value } of networks.items) {
      if (isScalar(value) && typeof value.value === "number" && value.source !== undefined) {
        value.value = value.source;
      }
    }
  }
}
