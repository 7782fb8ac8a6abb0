// The well-formed parts of a document that may be partly malformed. The semantic checks look only
// at these, so that one bad field does not hide the problems of the others, and a problem the
// shape check already reported is not reported twice.
import { safeParse, type z } from "zod";

/** The entries of a mapping in document order; none if the value is not a mapping. */
export function entries(value: unknown): [string, unknown][] {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? Object.entries(value)
    : [];
}

/** The items of a list with their indices; none if the value is not a list. */
export function items(value: unknown): [number, unknown][] {
  return Array.isArray(value) ? [...value.entries()] : [];
}

/** The value if it matches the schema, else undefined. */
export function valid<T>(schema: z.core.$ZodType<T>, value: unknown): T | undefined {
  const result = safeParse(schema, value);
  return result.success ? result.data : undefined;
}

/** Each field of an object that matches its own schema; absent and malformed ones are left out. */
export function fields<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
  value: unknown,
): Partial<z.output<z.ZodObject<Shape>>> {
  const present = new Map(entries(value));
  const picked: Record<string, unknown> = {};
  for (const [name, fieldSchema] of Object.entries(schema.shape)) {
    const parsed = valid(fieldSchema, present.get(name));
    if (parsed !== undefined) picked[name] = parsed;
  }
  return picked as Partial<z.output<z.ZodObject<Shape>>>;
}

/** A mapping's value at `key`; undefined if there is none or the value is not a mapping. */
export function member(value: unknown, key: string): unknown {
  return entries(value).find(([name]) => name === key)?.[1];
}
