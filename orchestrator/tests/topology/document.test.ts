// The YAML layer: syntax, duplicate keys, aliases, size, and what the document must be.
import { describe, expect, it } from "vitest";
import { ROLES } from "../../src/roles/index.ts";
import { MAX_ALIAS_COUNT, MAX_DOCUMENT_BYTES } from "../../src/topology/document.ts";
import { load, problems, yaml } from "./helpers.ts";

const KNOWN_ROLES = ROLES.map((role) => role.name).join(", ");

describe("YAML syntax", () => {
  it("reports a syntax error with its position, and nothing else", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24
        nodes: {}
      `),
    ).toEqual([
      "lab.yaml:4:1: invalid YAML: Flow map in block collection must be sufficiently indented and end with a }",
    ]);
  });

  it("refuses a file with several documents", async () => {
    expect(await problems("name: a\n---\nname: b\n")).toEqual([
      "lab.yaml:2:1: invalid YAML: Source contains multiple documents; please use YAML.parseAllDocuments()",
    ]);
  });

  it("places errors after a broken flow collection on their own lines (found by fuzz.test.ts)", async () => {
    // The parser's own line count missed these line breaks: every error landed on line 1.
    expect(await problems('defaults: [],\n checks: "",\n name: [],\n}\n')).toEqual([
      "lab.yaml:1:13: invalid YAML: Unexpected scalar at node end",
      "lab.yaml:2:10: invalid YAML: Nested mappings are not allowed in compact mappings",
      "lab.yaml:2:12: invalid YAML: Unexpected scalar token",
      "lab.yaml:3:10: invalid YAML: Unexpected scalar at node end",
      'lab.yaml:4:1: invalid YAML: Unexpected flow-map-end token in YAML stream: "}"',
    ]);
  });

  it("reports at most ten syntax errors", async () => {
    const result = await load(`${"[".repeat(5000)}\n`);
    expect(result.ok === false && result.diagnostics.length).toBe(10);
  });
});

describe("duplicate keys", () => {
  it("points at the second key and keeps checking the rest", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a:
            role: client
            networks: { lan: .2 }
            role: client
            capabilities: [NET_ADMIN, FLY]
        name: lab2
      `),
    ).toEqual([
      "lab.yaml:8:5: nodes.a.role: duplicate field 'role'",
      "lab.yaml:9:31: nodes.a.capabilities[1]: unknown capability 'FLY'",
      "lab.yaml:10:1: name: duplicate field 'name'",
    ]);
  });

  it("checks the value that counts, the last one, where it is written", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a:
            role: ghost
            networks: { lan: .2 }
            role: phantom
      `),
    ).toEqual([
      "lab.yaml:8:5: nodes.a.role: duplicate field 'role'",
      `lab.yaml:8:11: nodes.a.role: unknown role 'phantom' (known roles: ${KNOWN_ROLES})`,
    ]);
  });

  it("finds them inside lists too", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a:
            networks: { lan: .2 }
            files:
              - { path: /a, content: x, path: /b }
      `),
    ).toEqual(["lab.yaml:8:33: nodes.a.files[0].path: duplicate field 'path'"]);
  });
});

describe("aliases", () => {
  it("allows a few anchors and aliases", async () => {
    const result = await load(yaml`
      name: lab
      networks:
        lan: { subnet: 10.0.0.0/24 }
      nodes:
        a: { networks: { lan: .2 }, limits: &small { memory: 64m, pids: 64 } }
        b: { networks: { lan: .3 }, limits: *small }
    `);
    expect(result.ok && result.topology.nodes.map((n) => n.limits.pids)).toEqual([64, 64]);
  });

  it("refuses an alias bomb", async () => {
    // Each level multiplies by ten: 10^4 values from a few lines.
    const text = yaml`
      a: &a [x, x, x, x, x, x, x, x, x, x]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
      c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
      d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    `;
    expect(await problems(text)).toEqual([
      `lab.yaml:1:1: aliases expand into too many values (over ${MAX_ALIAS_COUNT}); write them out`,
    ]);
  });

  it("reports an alias without an anchor at the alias", async () => {
    expect(
      await problems(yaml`
        name: lab
        networks:
          lan: { subnet: 10.0.0.0/24 }
        nodes:
          a: { networks: { lan: .2 }, limits: *small }
      `),
    ).toEqual(["lab.yaml:5:39: nodes.a.limits: alias *small has no anchor &small before it"]);
  });
});

describe("the document as a whole", () => {
  it("refuses a file over 1 MiB before parsing it", async () => {
    const text = `name: lab\n# ${"x".repeat(MAX_DOCUMENT_BYTES)}\n`;
    expect(await problems(text)).toEqual([
      "lab.yaml:1:1: the file is larger than 1 MiB, far more than any topology needs",
    ]);
  });

  it("counts bytes, not characters", async () => {
    const text = `name: lab\n# ${"é".repeat(MAX_DOCUMENT_BYTES / 2)}\n`;
    expect(await problems(text)).toEqual([
      "lab.yaml:1:1: the file is larger than 1 MiB, far more than any topology needs",
    ]);
  });

  it.each([
    ["a list", "- name: lab\n"],
    ["a scalar", "lab\n"],
    ["empty", ""],
    ["only comments", "# nothing yet\n"],
  ])("refuses a document that is %s, at 1:1", async (_, text) => {
    expect(await problems(text)).toEqual([
      "lab.yaml:1:1: a topology must be a mapping with name, networks and nodes",
    ]);
  });
});
