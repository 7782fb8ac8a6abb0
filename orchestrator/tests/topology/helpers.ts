// Shared by the topology tests: inline YAML and a loader reading sources from a fixed table.

import { loadTopologyText } from "../../src/roles/load.ts";
import { formatDiagnostic, type LoadResult } from "../../src/topology/load.ts";
import type { SourceReader } from "../../src/topology/sources.ts";

/**
 * YAML written inline in a test, taken raw (`\n` stays for YAML to read). The first line break
 * and the common indentation are removed: in `lab.yaml:3:5`, line 3 is the third line of the text
 * and column 1 that of its least indented line.
 */
export function yaml(strings: TemplateStringsArray): string {
  const text = strings.raw.join("").replace(/^\n/, "");
  const indents = text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => line.length - line.trimStart().length);
  const indent = Math.min(...indents);
  return text
    .split("\n")
    .map((line) => line.slice(indent))
    .join("\n")
    .replace(/[ ]+$/, "");
}

/** Serves `source` files from a table; any other name is missing. */
export function sourcesFrom(files: Record<string, string>): SourceReader {
  return async (source) =>
    Object.hasOwn(files, source)
      ? { ok: true, data: Buffer.from(files[source] ?? "", "utf8") }
      : { ok: false, reason: `source '${source}' does not exist` };
}

export function load(text: string, sources: Record<string, string> = {}): Promise<LoadResult> {
  return loadTopologyText(text, "lab.yaml", sourcesFrom(sources));
}

/** Every diagnostic, formatted; [] when the topology loaded. */
export async function problems(text: string, sources: Record<string, string> = {}) {
  const result = await load(text, sources);
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

/** A topology with one node whose `files` entries (flow mappings) are on lines 8 and below. */
export function withFiles(entries: string[]): string {
  const head = yaml`
    name: lab
    networks:
      lan: { subnet: 10.0.0.0/24 }
    nodes:
      a:
        networks: { lan: .2 }
        files:
  `;
  return `${head.trimEnd()}\n${entries.map((entry) => `      - ${entry}`).join("\n")}\n`;
}
