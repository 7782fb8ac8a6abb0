// Loading a topology file: YAML text to a resolved Topology, or every problem in it at once,
// each with the line and column where it was written.
import { dirname } from "node:path";
import {
  type Diagnostic,
  formatDiagnostic,
  formatField,
  type Report,
  sortDiagnostics,
} from "./diagnostics.ts";
import { MAX_DOCUMENT_BYTES, parseTopologyYaml } from "./document.ts";
import type { Topology } from "./model.ts";
import { resolveTopology } from "./semantics.ts";
import { checkShape } from "./shape.ts";
import { folderReader, readSmallFile, type SourceReader } from "./sources.ts";

export type { Diagnostic };
export { formatDiagnostic };

export type LoadResult =
  | { ok: true; topology: Topology }
  | { ok: false; diagnostics: Diagnostic[] };

/** Loads a topology file; its `source` files are read from the folder it is in. */
export async function loadTopologyFile(path: string): Promise<LoadResult> {
  const read = await readSmallFile(path, MAX_DOCUMENT_BYTES);
  if (!read.ok) {
    const message = `the topology file ${read.reason}`;
    return { ok: false, diagnostics: [{ file: path, line: 1, col: 1, field: "", message }] };
  }
  return loadTopologyText(read.data.toString("utf8"), path, folderReader(dirname(path)));
}

/**
 * Loads a topology from its text. `file` only names it in diagnostics; `readSource` reads the
 * files its nodes name in `source`.
 */
export async function loadTopologyText(
  text: string,
  file: string,
  readSource: SourceReader,
): Promise<LoadResult> {
  const parsed = parseTopologyYaml(text, file);
  if (parsed.data === null) {
    return { ok: false, diagnostics: sortDiagnostics(parsed.diagnostics) };
  }
  const diagnostics = [...parsed.diagnostics];
  const report: Report = (path, message, at) => {
    diagnostics.push({ file, ...parsed.locate(path, at), field: formatField(path), message });
  };
  checkShape(parsed.data, report);
  const topology = await resolveTopology(parsed.data, readSource, report);
  return diagnostics.length === 0
    ? { ok: true, topology }
    : { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}
