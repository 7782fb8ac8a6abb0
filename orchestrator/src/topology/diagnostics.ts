// Problems found in a topology file, each pinned to a line and column so an instructor can jump
// straight to it.

export interface Diagnostic {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted path of the offending field (`nodes.client.files[0].mode`); "" for the whole file. */
  field: string;
  message: string;
}

/** Steps from the document root to a value: mapping keys and list indices. */
export type Path = readonly (string | number)[];

/**
 * Records a problem with the value at `path`; `at: "key"` points at its key instead (an unknown
 * field, a misnamed network), which is where the mistake was typed.
 */
export type Report = (path: Path, message: string, at?: "key") => void;

/** `FILE:LINE:COL: FIELD: message`, or `FILE:LINE:COL: message` when no field is concerned. */
export function formatDiagnostic(d: Diagnostic): string {
  const field = d.field === "" ? "" : `${d.field}: `;
  return `${d.file}:${d.line}:${d.col}: ${field}${d.message}`;
}

/** `nodes.web.files[1].mode`: keys joined by dots, list indices in brackets. */
export function formatField(path: Path): string {
  let field = "";
  for (const step of path) {
    if (typeof step === "number") field += `[${step}]`;
    else field += field === "" ? step : `.${step}`;
  }
  return field;
}

/** In reading order; problems at the same place keep the order they were found in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.toSorted((a, b) => a.line - b.line || a.col - b.col);
}
