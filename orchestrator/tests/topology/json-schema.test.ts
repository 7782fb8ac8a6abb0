// The topology format's JSON Schema (schemas/topology.schema.json): current, taken by a standard
// validator, and in agreement with the loader on what a topology may hold.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT, TOPOLOGIES_DIR } from "../../src/paths.ts";
import { loadTopologyText, topologyFormatSchema } from "../../src/roles/load.ts";
import { TOPOLOGY_JSON_SCHEMA_FILE } from "../../src/topology/json-schema.ts";
import { topologyReference } from "../../src/topology/reference.ts";
import { sourcesFrom } from "./helpers.ts";

// Strict, but for `oneOf: [{ required: [content] }, { required: [source] }]`, JSON Schema's
// idiom for "exactly one of", which strictRequired takes for a typo.
const ajv = new Ajv2020({
  allErrors: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
});
// CommonJS: the plugin is its module's `default`, seen from an ES module.
addFormats.default(ajv);
const validate = ajv.compile(topologyFormatSchema());

const SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/topology.schema.json";
const FIXTURES = join(REPO_ROOT, "tests/fixtures");

const libraryFiles = readdirSync(TOPOLOGIES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(TOPOLOGIES_DIR, entry.name, "topology.yaml"));
const fixtureFiles = readdirSync(FIXTURES)
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => join(FIXTURES, name));

/** What the loader says of a text: ok, or its messages (sources are all present). */
async function loaderVerdict(text: string): Promise<boolean> {
  const loaded = await loadTopologyText(text, "lab.yaml", sourcesFrom({ "app.py": "print(1)\n" }));
  return loaded.ok;
}

describe("the topology format's JSON Schema", () => {
  it("is the committed schemas/topology.schema.json (npm run docs writes it anew)", () => {
    const committed = readFileSync(join(REPO_ROOT, TOPOLOGY_JSON_SCHEMA_FILE), "utf8");
    expect(committed).toBe(`${JSON.stringify(topologyFormatSchema(), null, 2)}\n`);
  });

  it("is the reference page docs/reference/topology.md (npm run docs writes it anew)", () => {
    const committed = readFileSync(join(REPO_ROOT, "docs/reference/topology.md"), "utf8");
    expect(committed).toBe(topologyReference(topologyFormatSchema()));
  });

  it("gives editors a description of every field of a node", () => {
    const node = topologyFormatSchema().properties?.nodes?.additionalProperties as {
      properties: Record<string, { description?: string }>;
    };
    const undescribed = Object.entries(node.properties)
      .filter(([, field]) => !field.description)
      .map(([key]) => key);
    expect(undescribed).toEqual([]);
  });

  it("gives editors a description of every role's settings", () => {
    const node = topologyFormatSchema().properties?.nodes?.additionalProperties as {
      allOf: {
        then: { properties: { config: false | { properties?: Record<string, object> } } };
      }[];
    };
    const undescribed = node.allOf.flatMap(({ then }) => {
      const config = then.properties.config;
      if (config === false) return [];
      return Object.entries(config.properties ?? {})
        .filter(([, field]) => !("description" in field))
        .map(([key]) => key);
    });
    expect(undescribed).toEqual([]);
  });

  it.each(libraryFiles)("is named on the first line of %s", (file) => {
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe(SCHEMA_LINE);
  });

  it.each([...libraryFiles, ...fixtureFiles])("takes %s where the loader does", async (file) => {
    const text = readFileSync(file, "utf8");
    if (!(await loaderVerdict(text)) && file.startsWith(FIXTURES)) return; // a broken fixture
    validate(parse(text));
    expect(validate.errors ?? []).toEqual([]);
  });

  // Each document breaks one rule of the form; both the loader and the schema refuse it. The
  // loader alone refuses what a schema cannot see (an address outside its subnet, say).
  const lab = (node: string, extra = "") =>
    [
      "name: lab",
      "networks:",
      "  lan: { subnet: 10.9.0.0/24 }",
      "nodes:",
      "  a:",
      "    networks: { lan: .5 }",
      ...(node ? [`    ${node}`] : []),
      extra,
    ].join("\n");
  const refused: [string, string][] = [
    ["an unknown field on a node", lab("colour: red")],
    ["an unknown role", lab("role: wizard")],
    ["a role's config with an unknown field", lab("role: ftp\n    config: { colour: red }")],
    ["config for a role that takes none", lab("role: sniffer\n    config: { level: 1 }")],
    ["a relative file path", lab('files: [{ path: etc/motd, content: "x" }]')],
    [
      "a file with both content and source",
      lab('files: [{ path: /a, content: "x", source: app.py }]'),
    ],
    ["a file with neither content nor source", lab("files: [{ path: /a }]")],
    ["a memory limit in parsecs", lab("limits: { memory: 3pc }")],
    ["too few pids", lab("limits: { pids: 2 }")],
    ["a node name in capitals", lab("").replace("  a:", "  Alpha:")],
    ["a check without a command", lab("", "checks: [{ id: c, task: t, node: a }]")],
    ["a web node's port as text", lab("role: web\n    config: { ports: [eighty] }")],
    ["a dns node's zone as a list", lab("role: dns\n    config: { zones: [1] }")],
  ];
  it.each(refused)("refuses %s, as the loader does", async (_, text) => {
    expect(await loaderVerdict(text)).toBe(false);
    expect(validate(parse(text))).toBe(false);
  });

  it("takes a small topology the loader takes, with a role's config", async () => {
    const text = lab("role: web\n    config: { ports: [80, 8080] }");
    expect(await loaderVerdict(text)).toBe(true);
    expect(validate(parse(text))).toBe(true);
  });
});
