// Maps a path in the parsed data back to where it was written in the YAML text.
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Pair,
  type YAMLMap,
} from "yaml";
import type { Path } from "./diagnostics.ts";

export interface Position {
  line: number;
  col: number;
}

/** What `toJS` makes of a mapping key: the text of a scalar key. */
export function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/**
 * Where the value at `path` was written. A mapping or list is pointed at by its key (its own
 * start is the first line inside it), and so are an alias and an empty value, which has no text
 * to point at. When the path goes further than the document (a missing field), this is the
 * deepest mapping that exists, by its key. `at: "key"` asks for the key even of a scalar.
 */
export function locate(
  doc: Document,
  lines: LineCounter,
  path: Path,
  at: "key" | "value" = "value",
): Position {
  let node: unknown = doc.contents;
  let key: unknown = null;
  let complete = true;
  for (const step of path) {
    if (isAlias(node)) node = node.resolve(doc);
    const pair = isMap(node) ? pairsByKey(node).get(String(step)) : undefined;
    if (pair) {
      key = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof step === "number" && step < node.items.length) {
      key = null;
      node = node.items[step];
    } else {
      complete = false;
      break;
    }
  }
  const blank = isScalar(node) && (!node.range || node.range[0] === node.range[1]);
  const useKey = isScalar(key) && (!complete || at === "key" || !isScalar(node) || blank);
  return positionOf(useKey ? key : node, lines);
}

// Each mapping's pairs by key, built once: a file with thousands of problems in thousands of nodes
// would otherwise search the nodes mapping from the start for each problem.
const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = indexes.get(map);
  if (!index) {
    index = new Map();
    // Of duplicate keys, the last: the one whose value `toJS` keeps and the checks look at.
    for (const pair of map.items) index.set(keyText(pair.key), pair);
    indexes.set(map, index);
  }
  return index;
}

/** Where a YAML node starts; 1:1 for something that was never written (an empty document). */
export function positionOf(node: unknown, lines: LineCounter): Position {
  const range = (isScalar(node) || isCollection(node) || isAlias(node)) && node.range;
  return range ? lines.linePos(range[0]) : { line: 1, col: 1 };
}
