// Property-based fuzzing of the topology loader: whatever text an instructor (or a student, through
// the API) hands it, it never throws and answers with a topology or with positioned, non-empty
// messages; and every well-formed topology a generator builds loads.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadTopologyText } from "../../src/roles/load.ts";
import type { LoadResult } from "../../src/topology/load.ts";
import { sourcesFrom } from "./helpers.ts";

const RUNS = 300;
// Bounded runs take a couple of seconds; a loaded 2-core CI machine gets room to spare.
const TIMEOUT_MS = 60_000;
const FILE = "fuzz.yaml";

/** Field names of the schema at every level, so random documents reach deep into the checks. */
const FIELDS = [
  "name",
  "description",
  "defaults",
  "networks",
  "nodes",
  "checks",
  "subnet",
  "sniffable",
  "role",
  "image",
  "env",
  "files",
  "path",
  "content",
  "source",
  "mode",
  "start",
  "capabilities",
  "sysctls",
  "limits",
  "memory",
  "cpus",
  "pids",
  "ready",
  "command",
  "timeout",
  "after",
  "routes",
  "to",
  "via",
  "resolver",
  "config",
  "users",
  "password",
  "zones",
  "tls",
];

/** Values that mean something to some field: addresses, CIDRs, names, sizes, paths. */
const MEANINGFUL = [
  ".10",
  ".1",
  "10.0.0.5",
  "10.0.0.0/24",
  "300.1.1.1/33",
  "auto",
  "client",
  "web",
  "dns",
  "lan",
  "256m",
  "NET_ADMIN",
  "net.ipv4.ip_forward",
  "/etc/x",
  "../../etc/passwd",
  "0644",
  "a",
  "b",
];

const scalar = fc.oneof(
  fc.constantFrom(...MEANINGFUL),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);

const key = fc.oneof(
  fc.constantFrom(...FIELDS),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/),
  fc.string({ maxLength: 8 }),
);

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", maxDepth: 5 }, scalar, tie("map"), tie("list")),
  map: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  list: fc.array(tie("value"), { maxLength: 4 }),
}));

/** Mostly a mapping of top-level fields, sometimes anything at all. */
const documentValue = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS.slice(0, 6)), value) },
  { weight: 1, arbitrary: value },
);

const layout = fc.record({
  indent: fc.integer({ min: 1, max: 8 }),
  collectionStyle: fc.constantFrom("any", "block", "flow") as fc.Arbitrary<
    "any" | "block" | "flow"
  >,
});

/** Bits of YAML syntax that, dropped anywhere, break a document in interesting ways. */
const GARBAGE = [
  ":",
  "- ",
  "? ",
  "&a ",
  "*a",
  "*b",
  "{",
  "}",
  "[",
  "]",
  ",",
  "\t",
  "#",
  "!!str ",
  "!x ",
  "|",
  ">",
  "'",
  '"',
  "\0",
  "\r",
  "%YAML 1.2",
  "---",
  "...",
  "<<: *a",
  "\u{1F600}",
  "\uFEFF",
  "@",
  "`",
];

const edit = fc.record({
  line: fc.nat(),
  kind: fc.constantFrom("indent", "dedent", "insert", "drop", "repeat"),
  spaces: fc.integer({ min: 1, max: 6 }),
  at: fc.nat(),
  garbage: fc.constantFrom(...GARBAGE),
});

type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

/** Applies line-level damage: shifted indentation, stray syntax, lost and repeated lines. */
function damage(text: string, edits: Edit[]): string {
  const lines = text.split("\n");
  for (const e of edits) {
    const i = e.line % lines.length;
    const line = lines[i] ?? "";
    if (e.kind === "indent") lines[i] = " ".repeat(e.spaces) + line;
    else if (e.kind === "dedent") lines[i] = line.replace(new RegExp(`^ {1,${e.spaces}}`), "");
    else if (e.kind === "insert") {
      const at = e.at % (line.length + 1);
      lines[i] = line.slice(0, at) + e.garbage + line.slice(at);
    } else if (e.kind === "drop") lines.splice(i, 1);
    else lines.splice(i, 0, line);
    if (lines.length === 0) lines.push("");
  }
  return lines.join("\n");
}

const yamlish = fc
  .tuple(documentValue, layout, fc.array(edit, { maxLength: 6 }))
  .map(([doc, options, edits]) => damage(stringify(doc, options), edits));

const anyText = fc.oneof(
  yamlish,
  fc.string({ unit: "binary", maxLength: 200 }),
  fc
    .array(fc.constantFrom(...GARBAGE, "\n", "  ", "a", "nodes", "1"), { maxLength: 40 })
    .map((parts) => parts.join("")),
);

function load(text: string): Promise<LoadResult> {
  return loadTopologyText(text, FILE, sourcesFrom({ "app.py": "print('hi')\n" }));
}

/** Every diagnostic names the file, a line and column inside the text, and says something. */
function expectPositioned(text: string, result: LoadResult): void {
  if (result.ok) return;
  expect(result.diagnostics.length).toBeGreaterThan(0);
  const lines = text.split("\n");
  for (const d of result.diagnostics) {
    expect(d.file).toBe(FILE);
    expect(Number.isInteger(d.line) && Number.isInteger(d.col)).toBe(true);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines.length + 1);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.col).toBeLessThanOrEqual((lines[d.line - 1] ?? "").length + 1);
    expect(d.message.trim()).not.toBe("");
  }
}

describe("the topology loader on arbitrary text", () => {
  it(
    "never throws, and answers with a topology or positioned messages",
    async () => {
      await fc.assert(
        fc.asyncProperty(anyText, async (text) => {
          expectPositioned(text, await load(text));
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});

// ---- Well-formed topologies ------------------------------------------------------------------

const NAME = /^[a-z](?:[a-z0-9-]{0,10}[a-z0-9])?$/;
const CAPABILITIES = ["NET_ADMIN", "net_raw", "CAP_NET_BIND_SERVICE"];

const envKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
const freeText = fc.string({ minLength: 1, maxLength: 30 });

const nodeExtras = fc.record(
  {
    env: fc.dictionary(envKey, fc.oneof(freeText, fc.integer(), fc.boolean()), { maxKeys: 3 }),
    files: fc.uniqueArray(
      fc.record({
        path: fc.stringMatching(/^(\/[a-z][a-z0-9]{0,7}(\.[a-z]{1,3})?){1,3}$/),
        content: fc.string({ maxLength: 40 }),
      }),
      { maxLength: 2, selector: (f) => f.path },
    ),
    start: fc.array(freeText, { minLength: 1, maxLength: 2 }),
    capabilities: fc.subarray(CAPABILITIES),
    limits: fc.record(
      {
        memory: fc.constantFrom("64m", "1g", 134217728),
        cpus: fc.constantFrom(0.25, 1, 2),
        pids: fc.integer({ min: 16, max: 4096 }),
      },
      { requiredKeys: [] },
    ),
    ready: fc.record({ command: freeText, timeout: fc.integer({ min: 1, max: 600 }) }),
  },
  { requiredKeys: [] },
);

/** 1-3 networks with their own /24, 1-4 nodes each on some of them, `after` only backwards. */
const wellFormed = fc
  .record({
    name: fc.stringMatching(NAME),
    networks: fc.uniqueArray(fc.stringMatching(NAME), { minLength: 1, maxLength: 3 }),
    nodes: fc.uniqueArray(fc.stringMatching(NAME), { minLength: 1, maxLength: 4 }),
    extras: fc.array(nodeExtras, { minLength: 4, maxLength: 4 }),
    seeds: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
  })
  .map(({ name, networks, nodes, extras, seeds }) => ({
    name,
    networks: Object.fromEntries(
      networks.map((n, i) => [n, { subnet: `10.${i + 1}.0.0/24`, sniffable: i % 2 === 0 }]),
    ),
    nodes: Object.fromEntries(
      nodes.map((n, i) => {
        const seed = seeds[i] ?? 0;
        // At least one network; host parts from .10 up, one per node, so none clash.
        const joined = networks.filter((_, j) => j === seed % networks.length || (seed >> j) & 1);
        const after = nodes.slice(0, i).filter((_, j) => ((seeds[i + 4] ?? 0) >> j) & 1);
        return [
          n,
          {
            networks: Object.fromEntries(joined.map((net) => [net, `.${10 + i}`])),
            ...extras[i],
            ...(after.length > 0 ? { after } : {}),
          },
        ];
      }),
    ),
  }));

describe("the topology loader on well-formed topologies", () => {
  it(
    "loads every one, whatever the layout",
    async () => {
      await fc.assert(
        fc.asyncProperty(wellFormed, layout, async (topology, options) => {
          const text = stringify(topology, options);
          const result = await load(text);
          expect(result.ok ? [] : result.diagnostics).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    TIMEOUT_MS,
  );
});
