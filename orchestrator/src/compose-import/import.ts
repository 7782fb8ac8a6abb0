// `socketlab import`: a SEED Labs compose file and its folder in, a topology folder (as files in
// memory) and a report out, or every problem with its file, line and column. Nothing is written
// here: the CLI writes the folder, the API sends it back.

import { posix } from "node:path";
import { Document } from "yaml";
import { HANDOUT_FILE } from "../handout/read.ts";
import { loadTopologyText } from "../roles/load.ts";
import {
  type Diagnostic,
  formatField,
  type Report,
  sortDiagnostics,
} from "../topology/diagnostics.ts";
import { parseYamlMapping } from "../topology/document.ts";
import type { SourceReader } from "../topology/sources.ts";
import { checkCompose } from "./compose.ts";
import { type Finding, Findings } from "./findings.ts";
import type { SetupFolder } from "./folder.ts";
import { gather } from "./gather.ts";
import { mapCompose } from "./map.ts";
import { type ImportReport, reportMarkdown } from "./report.ts";

export const TOPOLOGY_FILE = "topology.yaml";
export const REPORT_FILE = "IMPORT.md";

export interface ImportRequest {
  /** The compose file's text. */
  text: string;
  /** Its name in messages (`Labsetup/docker-compose.yml`); other files are named beside it. */
  file: string;
  /** Its folder, where builds and volumes are found. */
  folder: SetupFolder;
  /** The topology's name. */
  name: string;
}

export type ImportResult =
  | {
      ok: true;
      /** The topology folder: topology.yaml, IMPORT.md and the files it names, by relative path. */
      files: Map<string, Buffer>;
      report: ImportReport;
    }
  | { ok: false; diagnostics: Diagnostic[] };

export async function importCompose(request: ImportRequest): Promise<ImportResult> {
  const { text, file, folder, name } = request;
  const parsed = parseYamlMapping(text, file, {
    what: "compose file",
    notMapping: "a compose file must be a mapping with services and networks",
  });
  if (parsed.data === null || parsed.diagnostics.length > 0) {
    return { ok: false, diagnostics: sortDiagnostics(parsed.diagnostics) };
  }
  const { locate } = parsed;
  const diagnostics: Diagnostic[] = [];
  const report: Report = (path, message, at) =>
    diagnostics.push({ file, ...locate(path, at), field: formatField(path), message });
  const compose = checkCompose(parsed.data, report);
  if (compose === null) return { ok: false, diagnostics: sortDiagnostics(diagnostics) };

  const findings = new Findings();
  const gathered = await gather(compose, folder, findings);
  const mapped = mapCompose(compose, gathered, { name, file }, findings);
  const place = (finding: Finding): Diagnostic =>
    "path" in finding.where
      ? {
          file,
          ...locate(finding.where.path),
          field: formatField(finding.where.path),
          message: finding.message,
        }
      : {
          file: posix.join(posix.dirname(file), finding.where.file),
          line: finding.where.line,
          col: 1,
          field: "",
          message: finding.message,
        };
  if (findings.errors.length > 0) {
    return { ok: false, diagnostics: sortByFile(findings.errors.map(place), file) };
  }

  // A README.md at the folder's top would also become the lab's handout without anyone asking.
  const clash = mapped.sources.find((s) => [TOPOLOGY_FILE, REPORT_FILE, HANDOUT_FILE].includes(s));
  if (clash !== undefined) {
    const fate =
      clash === HANDOUT_FILE ? "become the lab's handout" : "be overwritten by the import's";
    const message = `the set-up's own ${clash} would ${fate}; rename it`;
    return { ok: false, diagnostics: [{ file, line: 1, col: 1, field: "", message }] };
  }
  const yaml = topologyYaml(mapped.topology, file);
  const readSource: SourceReader = async (source) => {
    const data = gathered.contents.get(source);
    return data ? { ok: true, data } : { ok: false, reason: `source '${source}' was not gathered` };
  };
  // The mapping should only make valid topologies; should it not, the instructor still gets every
  // problem, in the topology it made, rather than a folder that does not load.
  const loaded = await loadTopologyText(
    yaml,
    posix.join(posix.dirname(file), TOPOLOGY_FILE),
    readSource,
  );
  if (!loaded.ok) return { ok: false, diagnostics: loaded.diagnostics };

  const importReport: ImportReport = {
    name,
    from: file,
    nodes: mapped.nodes,
    notes: sortByFile(
      findings.notes.map((n) => ({ ...place(n), kind: n.kind })),
      file,
    ),
  };
  const files = new Map<string, Buffer>([
    [TOPOLOGY_FILE, Buffer.from(yaml)],
    [REPORT_FILE, Buffer.from(reportMarkdown(importReport))],
  ]);
  for (const source of mapped.sources) files.set(source, gathered.contents.get(source) as Buffer);
  return { ok: true, files, report: importReport };
}

function topologyYaml(topology: Record<string, unknown>, from: string): string {
  const document = new Document(topology);
  document.commentBefore = ` Made by socketlab import from ${from}: see ${REPORT_FILE}.`;
  return document.toString({ lineWidth: 0 });
}

/** The compose file's problems first, each file's in reading order. */
function sortByFile<T extends Diagnostic>(diagnostics: T[], first: string): T[] {
  const rank = (d: Diagnostic) => (d.file === first ? "" : d.file);
  return diagnostics.toSorted(
    (a, b) => rank(a).localeCompare(rank(b)) || a.line - b.line || a.col - b.col,
  );
}
