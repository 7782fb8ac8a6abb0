// The import's report, for the instructor: IMPORT.md in the topology folder, and the lines the
// CLI prints.
import { type Diagnostic, formatDiagnostic } from "../topology/diagnostics.ts";
import type { NoteKind } from "./findings.ts";
import type { MappedNode } from "./map.ts";

export interface ReportNote extends Diagnostic {
  kind: NoteKind;
}

export interface ImportReport {
  name: string;
  /** The compose file, as it was named to the import. */
  from: string;
  nodes: MappedNode[];
  notes: ReportNote[];
}

const SECTIONS: [NoteKind, string][] = [
  ["check", "To check"],
  ["changed", "Changed on the way"],
  ["dropped", "Left behind"],
  ["mapped", "Mapped"],
];

/** `FILE:LINE:COL: kind: message` for the notes of these kinds, those to check first. */
export function reportLines(report: ImportReport, kinds: readonly NoteKind[]): string[] {
  return SECTIONS.filter(([kind]) => kinds.includes(kind)).flatMap(([kind]) =>
    report.notes
      .filter((n) => n.kind === kind)
      .map((n) => formatDiagnostic({ ...n, field: "", message: `${kind}: ${n.message}` })),
  );
}

export function reportMarkdown(report: ImportReport): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const lines = [
    `# ${report.name}: imported from SEED Labs`,
    "",
    `\`socketlab import\` made this topology from \`${report.from}\`. Every copy of the lab gets`,
    "subnets of its own from the engine's pool; each node keeps its handout host part (.5 stays .5),",
    "and nodes reach each other by node name.",
    "",
    "| service | node | what | addresses (handout) |",
    "| --- | --- | --- | --- |",
    ...report.nodes.map(
      (n) =>
        `| ${cell(n.service)} | ${cell(n.node)} | ${cell(n.what)} | ${cell(n.addresses.join(", "))} |`,
    ),
  ];
  for (const [kind, title] of SECTIONS) {
    const notes = report.notes.filter((n) => n.kind === kind);
    if (notes.length === 0) continue;
    lines.push("", `## ${title}`, "");
    for (const n of notes) lines.push(`- \`${n.file}:${n.line}:${n.col}\` ${n.message}`);
  }
  return `${lines.join("\n")}\n`;
}
