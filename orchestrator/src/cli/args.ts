// Argument parsing shared by the commands: node's parseArgs, with usage errors that say what
// was wrong.
import { type ParseArgsConfig, parseArgs } from "node:util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options as parseArgs takes them, each with the line `--help` prints (parseArgs ignores it). */
export type OptionSpecs = Record<
  string,
  Options[string] & {
    help: string;
    /** What the option's value is called in --help: `--seconds N`. */
    value?: string;
    /** The default as --help words it, where the value itself depends on the machine. */
    defaultHelp?: string;
  }
>;

export function parse<T extends Options>(args: string[], options: T, positionals: string[]) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const missing = positionals.slice(parsed.positionals.length);
  if (missing.length > 0) throw new UsageError(`missing ${missing.join(" and ")}`);
  return parsed;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  for (const row of [header, ...rows]) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd()}\n`,
    );
  }
}
