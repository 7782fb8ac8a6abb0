// What the import reads in a `build:` folder's Dockerfile: the image it starts from, the files it
// copies in, the packages it installs and the command it runs. Nothing in it is executed.

export interface Instruction {
  /** 1-based line where the instruction starts. */
  line: number;
  /** As written, continuation lines joined. */
  text: string;
}

export interface CopyInstruction extends Instruction {
  /** Paths inside the build folder, as written. */
  sources: string[];
  /** Where they go in the image. */
  dest: string;
}

export interface Dockerfile {
  from: string | null;
  copies: CopyInstruction[];
  /** Every package an `apt-get install` / `apt install` names. */
  packages: string[];
  runs: Instruction[];
  /** CMD or ENTRYPOINT, in shell form; the last one written. */
  cmd: (Instruction & { command: string }) | null;
  env: Record<string, string>;
  /** Instructions that have no counterpart in a topology (WORKDIR, EXPOSE, COPY --from, ...). */
  ignored: Instruction[];
}

/** The Dockerfile's instructions, each with the line it starts on. */
export function instructions(text: string): Instruction[] {
  const found: Instruction[] = [];
  let pending: Instruction | null = null;
  text.split("\n").forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (pending === null && /^\s*(#|$)/.test(line)) return;
    // A comment line inside a continued instruction is skipped, as Docker does.
    if (pending !== null && /^\s*#/.test(line)) return;
    const continued = /\\\s*$/.test(line);
    const part = continued ? line.replace(/\\\s*$/, "") : line;
    pending =
      pending === null
        ? { line: index + 1, text: part.trim() }
        : { ...pending, text: `${pending.text} ${part.trim()}`.trim() };
    if (!continued) {
      found.push(pending);
      pending = null;
    }
  });
  if (pending !== null) found.push(pending);
  return found;
}

export function parseDockerfile(text: string): Dockerfile {
  const parsed: Dockerfile = {
    from: null,
    copies: [],
    packages: [],
    runs: [],
    cmd: null,
    env: {},
    ignored: [],
  };
  for (const instruction of instructions(text)) {
    const [word = "", ...rest] = instruction.text.split(/\s+/);
    const args = rest.join(" ");
    switch (word.toUpperCase()) {
      case "FROM":
        parsed.from = rest[0] ?? null;
        break;
      case "COPY":
      case "ADD": {
        const copy = parseCopy(args);
        if (copy === null) parsed.ignored.push(instruction);
        else parsed.copies.push({ ...instruction, ...copy });
        break;
      }
      case "RUN":
        parsed.runs.push(instruction);
        parsed.packages.push(...installedPackages(args));
        break;
      case "CMD":
      case "ENTRYPOINT":
        parsed.cmd = { ...instruction, command: shellForm(args) };
        break;
      case "ENV":
        Object.assign(parsed.env, parseEnv(args));
        break;
      default:
        parsed.ignored.push(instruction);
    }
  }
  return parsed;
}

/** Sources and destination; null for what cannot come from the folder (another stage, a URL). */
function parseCopy(args: string): { sources: string[]; dest: string } | null {
  const words = execForm(args) ?? args.split(/\s+/).filter((w) => w !== "");
  const flags = words.filter((w) => w.startsWith("--"));
  if (flags.some((f) => f.startsWith("--from"))) return null;
  const paths = words.filter((w) => !w.startsWith("--"));
  const dest = paths.pop();
  if (dest === undefined || paths.length === 0) return null;
  if (paths.some((p) => /^[a-z]+:\/\//i.test(p))) return null;
  return { sources: paths, dest };
}

/** `["a", "b"]` as its words; null when the text is not in exec (JSON) form. */
function execForm(args: string): string[] | null {
  if (!args.trimStart().startsWith("[")) return null;
  try {
    const words: unknown = JSON.parse(args);
    return Array.isArray(words) && words.every((w) => typeof w === "string") ? words : null;
  } catch {
    return null;
  }
}

/** A command in shell form: exec form's words joined, `sh -c X` and `bash -c X` as X. */
export function shellForm(args: string): string {
  const words = execForm(args);
  if (words === null) return args.trim();
  const [shell, flag, script] = words;
  if (words.length === 3 && /^(\/bin\/)?(ba)?sh$/.test(shell ?? "") && flag === "-c") {
    return script ?? "";
  }
  return words
    .map((w) => (/^[\w./=:-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}

/** The packages of every `apt-get install` / `apt install` in a RUN line. */
export function installedPackages(run: string): string[] {
  const packages: string[] = [];
  for (const step of run.split(/&&|;|\|\|/)) {
    const words = step.trim().split(/\s+/);
    const apt = words.findIndex((w) => w === "apt-get" || w === "apt");
    if (apt === -1 || !words.slice(apt + 1).includes("install")) continue;
    const after = words.slice(words.indexOf("install", apt) + 1);
    packages.push(
      ...after.filter((w) => !w.startsWith("-") && /^[a-z0-9][a-z0-9.+:=~-]*$/.test(w)),
    );
  }
  return packages;
}

/** `ENV A=1 B=2` or the older `ENV A 1`. */
function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+([^=]*)$/.exec(args.trim());
  if (legacy?.[1] !== undefined) {
    env[legacy[1]] = (legacy[2] ?? "").trim();
    return env;
  }
  for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|(\S*))/g)) {
    const [, key, , doubled, single, bare] = match;
    if (key !== undefined) env[key] = doubled ?? single ?? bare ?? "";
  }
  return env;
}
