// Loading a topology file: YAML text to a resolved Topology, or every problem in it at once,
// each with the line and column where it was written. The node roles a topology may name are
// given (roles/load.ts gives the registry's).
import { dirname } from "node:path";
import {
  type Diagnostic,
  formatDiagnostic,
  formatField,
  type Report,
  sortDiagnostics,
} from "./diagnostics.ts";
import { MAX_DOCUMENT_BYTES, parseTopologyYaml } from "./document.ts";
import { LAB_CAPABILITIES } from "./linux.ts";
import type { Topology } from "./model.ts";
import type { RoleCatalog } from "./role-catalog.ts";
import { resolveTopology } from "./semantics.ts";
import { checkShape } from "./shape.ts";
import { folderReader, readSmallFile, type SourceReader } from "./sources.ts";

export type { Diagnostic };
export { formatDiagnostic };

export type LoadResult =
  | { ok: true; topology: Topology }
  | { ok: false; diagnostics: Diagnostic[] };

export interface TopologyLoader {
  /** Loads a topology file; its `source` files are read from the folder it is in. */
  file(path: string): Promise<LoadResult>;
  /**
   * Loads a topology from its text. `file` only names it in diagnostics; `readSource` reads the
   * files its nodes name in `source`.
   */
  text(text: string, file: string, readSource: SourceReader): Promise<LoadResult>;
}

/** `capabilities`: what a node may ask for (LAB_CAPABILITIES unless the operator allows more). */
export function topologyLoader(
  roles: RoleCatalog,
  capabilities: ReadonlySet<string> = new Set(LAB_CAPABILITIES),
): TopologyLoader {
  const text = (source: string, file: string, readSource: SourceReader) =>
    loadText(source, file, readSource, roles, capabilities);
  return {
    text,
    async file(path) {
      const read = await readSmallFile(path, MAX_DOCUMENT_BYTES);
      if (!read.ok) {
        const message = `the topology file ${read.reason}`;
        return { ok: false, diagnostics: [{ file: path, line: 1, col: 1, field: "", message }] };
      }
      return text(read.data.toString("utf8"), path, folderReader(dirname(path)));
    },
  };
}

async function loadText(
  text: string,
  file: string,
  readSource: SourceReader,
  roles: RoleCatalog,
  capabilities: ReadonlySet<string>,
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
  const topology = await resolveTopology(parsed.data, readSource, report, roles, capabilities);
  return diagnostics.length === 0
    ? { ok: true, topology }
    : { ok: false, diagnostics: sortDiagnostics(diagnostics) };
}
