// The service's problems with an upload (a roster, a topology archive) said as a person reads
// them: `line 3, email: ...`, `topology.yaml:5:13 networks.lan.subnet: ...`.
import { ApiError, type FieldProblem } from "./api.ts";
import { errorMessage, h } from "./dom.ts";

/** `csv:3:email` -> `line 3, email`; `body.students.2.name` -> `entry 3, name`. */
export function describePath(path: string): string {
  const csv = /^csv:(\d+)(?::(\w+))?$/.exec(path);
  if (csv) return `line ${csv[1]}${csv[2] ? `, ${csv[2]}` : ""}`;
  if (path.startsWith("archive:")) return path.slice("archive:".length) || "the archive";
  const entry = /^body\.(students|tas)\.(\d+)(?:\.(\w+))?$/.exec(path);
  if (entry) {
    const what = entry[1] === "tas" ? "TA" : "entry";
    return `${what} ${Number(entry[2]) + 1}${entry[3] ? `, ${entry[3]}` : ""}`;
  }
  return path.replace(/^body\./, "");
}

/**
 * An error, with each field problem (`line 3, email: ...`) or each topology problem
 * (`topology.yaml:5:13 networks.lan.subnet: ...`) on its own line when the service listed them.
 */
export function problems(error: unknown): HTMLElement {
  const fields: FieldProblem[] = error instanceof ApiError ? error.fields : [];
  const diagnostics = error instanceof ApiError ? error.diagnostics : [];
  if (fields.length === 0 && diagnostics.length === 0) return errorMessage(error);
  return h(
    "div",
    { className: "problems", attrs: { role: "alert" } },
    h("p", { className: "error" }, `${(error as Error).message}:`),
    h(
      "ul",
      { className: "errors" },
      ...fields.map((f) => h("li", {}, h("strong", {}, describePath(f.path)), `: ${f.message}`)),
      ...diagnostics.map((d) =>
        h(
          "li",
          {},
          h("strong", {}, `${d.file}:${d.line}:${d.col}`),
          ` ${d.field ? `${d.field}: ` : ""}${d.message}`,
        ),
      ),
    ),
  );
}
