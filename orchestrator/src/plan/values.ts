// Each lab's own values: made at random when the lab is first planned, kept with the lab (in its
// record) so that bringing it up again keeps them, and put in place of their references in the
// topology before anything else is planned (roles then see them in their config).
import type {
  CheckDef,
  FileDef,
  NodeDef,
  Topology,
  ValueAlphabet,
  ValueDef,
} from "../topology/model.ts";
import { substituteValues } from "../topology/values.ts";

const ALPHABETS: Record<ValueAlphabet, string> = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  hex: "0123456789abcdef",
  digits: "0123456789",
};

/** `count` random bytes (crypto's randomBytes; a test gives its own). */
export type RandomBytes = (count: number) => Uint8Array;

/**
 * A value for every declared name: the lab's existing one when it has one of the declared
 * length and alphabet, a new random one otherwise. Values no longer declared are dropped.
 */
export function labValues(
  defs: readonly ValueDef[],
  existing: Readonly<Record<string, string>>,
  random: RandomBytes,
): Record<string, string> {
  return Object.fromEntries(
    defs.map((def) => {
      const kept = existing[def.name];
      return [def.name, kept !== undefined && fits(kept, def) ? kept : randomValue(def, random)];
    }),
  );
}

function fits(value: string, def: ValueDef): boolean {
  const alphabet = ALPHABETS[def.alphabet];
  return value.length === def.length && [...value].every((c) => alphabet.includes(c));
}

/** Uniform over the alphabet: bytes that would favour its first letters are drawn again. */
function randomValue(def: ValueDef, random: RandomBytes): string {
  const alphabet = ALPHABETS[def.alphabet];
  const limit = 256 - (256 % alphabet.length);
  let value = "";
  while (value.length < def.length) {
    for (const byte of random(def.length)) {
      if (byte < limit && value.length < def.length) value += alphabet[byte % alphabet.length];
    }
  }
  return value;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The topology with every value reference replaced by this lab's value. */
export function withValues(topology: Topology, values: Readonly<Record<string, string>>): Topology {
  if (topology.values.length === 0) return topology;
  const put = (text: string) => substituteValues(text, values);
  return {
    ...topology,
    nodes: topology.nodes.map(
      (node): NodeDef => ({
        ...node,
        env: Object.fromEntries(Object.entries(node.env).map(([k, v]) => [k, put(v)])),
        files: node.files.map((file) => withValuesInFile(file, put)),
        start: node.start.map(put),
        config: withValuesInConfig(node.config, put),
      }),
    ),
    checks: topology.checks.map((check): CheckDef => ({ ...check, command: put(check.command) })),
  };
}

/** Every text in a role's config, however deep; its other values as they are. */
function withValuesInConfig(config: unknown, put: (text: string) => string): unknown {
  if (typeof config === "string") return put(config);
  if (Array.isArray(config)) return config.map((item) => withValuesInConfig(item, put));
  if (typeof config !== "object" || config === null) return config;
  return Object.fromEntries(
    Object.entries(config).map(([key, value]) => [key, withValuesInConfig(value, put)]),
  );
}

/** Text files only: a binary file is left byte for byte as it is. */
function withValuesInFile(file: FileDef, put: (text: string) => string): FileDef {
  let text: string;
  try {
    text = utf8.decode(Buffer.from(file.contentBase64, "base64"));
  } catch {
    return file;
  }
  return { ...file, contentBase64: Buffer.from(put(text), "utf8").toString("base64") };
}
