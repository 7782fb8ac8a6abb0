// Checks the form of every field against the schema and words zod's findings for an instructor,
// in YAML's terms (mapping, list, text) rather than JavaScript's.
import type { z } from "zod";
import type { Path, Report } from "./diagnostics.ts";
import { topologySchema } from "./schema.ts";

export function checkShape(data: unknown, report: Report): void {
  checkAgainst(topologySchema, data, report);
}

/**
 * Checks `data`, found at `base` in the document, against any schema (a role's `config`, say),
 * reporting each problem at its own place; returns the parsed value when there was none.
 */
export function checkAgainst<T>(
  schema: z.ZodType<T>,
  data: unknown,
  report: Report,
  base: Path = [],
): T | undefined {
  const result = schema.safeParse(data, { error: message });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path: Path = [
      ...base,
      ...issue.path.map((step) => (typeof step === "symbol" ? String(step) : step)),
    ];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) report([...path, key], `unknown field '${key}'`, "key");
    } else if (issue.code === "invalid_key") {
      // A record key (a node or network name) that breaks its pattern: zod puts it on the path.
      report(path, issue.issues[0]?.message ?? issue.message, "key");
    } else {
      report(path, issue.message);
    }
  }
  return undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true/false",
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  null: "an empty value",
};

/** Messages for zod's built-in checks; the schema's own messages take precedence over these. */
function message(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "required";
      return `expected ${typeName(issue.expected)}, found ${describe(issue.input)}`;
    case "invalid_union": {
      // zod reports a union this way only when the value matches none of the types.
      const expected = issue.errors.map((branch) =>
        branch[0]?.code === "invalid_type" ? typeName(branch[0].expected) : "something else",
      );
      const last = expected.pop();
      const list = expected.length > 0 ? `${expected.join(", ")} or ${last}` : `${last}`;
      return `expected ${list}, found ${describe(issue.input)}`;
    }
    case "too_small":
      if (issue.origin === "string") return "must not be empty";
      return `must be ${issue.inclusive ? "at least" : "more than"} ${issue.minimum}`;
    case "too_big":
      return `must be ${issue.inclusive ? "at most" : "less than"} ${issue.maximum}`;
    default:
      return undefined;
  }
}

function typeName(expected: string): string {
  return TYPE_NAMES[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `'${value}'`;
  return String(value);
}
