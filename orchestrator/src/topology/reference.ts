// The topology format's reference for people (docs/reference/topology.md): tables made from the
// same JSON Schema that editors read, so the page says what the loader takes and cannot fall
// behind it (a test regenerates it).
type Schema = {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  allOf?: {
    if: { properties: { role: { const: string } } };
    then: { properties: { config: Schema | false } };
  }[];
};

/** The sections of the page: where each table's fields are found in the schema. */
const SECTIONS: [title: string, path: string[], intro: string][] = [
  ["The file", [], "A topology is one YAML file (with its handout, README.md, beside it)."],
  ["`defaults`", ["defaults"], "Settings every node takes unless it gives its own."],
  ["`networks.NAME`", ["networks", "*"], "Each network of the lab, by name."],
  [
    "`nodes.NAME`",
    ["nodes", "*"],
    "Each node of the lab, by name: one container in each student's lab.",
  ],
  ["`limits` (of a node, or in `defaults`)", ["nodes", "*", "limits"], ""],
  ["`files[]`", ["nodes", "*", "files", "[]"], "Each file put into the node before it starts."],
  ["`ready`", ["nodes", "*", "ready"], ""],
  ["`routes[]`", ["nodes", "*", "routes", "[]"], ""],
  ["`checks[]`", ["checks", "[]"], "Checks of the handout's tasks, run from the lab page."],
];

export function topologyReference(schema: Schema): string {
  const lines = [
    "# Topology reference",
    "",
    "<!-- Made by `npm run docs` from the topology format's JSON Schema",
    "     (schemas/topology.schema.json); a test fails when it is stale. Do not edit by hand. -->",
    "",
    "What each field of a topology file may hold. Relations between fields (an address inside its",
    "network's subnet, a route via a node that exists) are checked by `socketlab validate` too.",
  ];
  for (const [title, path, intro] of SECTIONS) {
    const at = follow(schema, path);
    lines.push("", `## ${title}`, "");
    if (intro) lines.push(intro, "");
    lines.push(...fieldTable(at));
  }
  lines.push("", "## Roles", "", "A node's `config:` is checked against its role's settings:");
  for (const branch of follow(schema, ["nodes", "*"]).allOf ?? []) {
    const role = branch.if.properties.role.const;
    const config = branch.then.properties.config;
    lines.push("", `### \`${role}\``, "");
    if (config === false) {
      lines.push("Takes no `config:`.");
      continue;
    }
    if (config.description) lines.push(`${config.description}`, "");
    lines.push(...fieldTable(config));
  }
  return `${lines.join("\n")}\n`;
}

function follow(schema: Schema, path: string[]): Schema {
  let at = schema;
  for (const step of path) {
    const next =
      step === "*" ? at.additionalProperties : step === "[]" ? at.items : at.properties?.[step];
    if (typeof next !== "object") throw new Error(`the schema has no '${path.join(".")}'`);
    at = next;
  }
  return at;
}

function fieldTable(schema: Schema): string[] {
  const required = new Set(schema.required ?? []);
  const rows = Object.entries(schema.properties ?? {}).map(([name, field]) => {
    const fallback =
      field.default === undefined ? "" : ` Default: \`${JSON.stringify(field.default)}\`.`;
    const need = required.has(name) ? "yes" : "";
    return `| \`${name}\` | ${typeOf(field)} | ${need} | ${cell(field.description ?? "")}${fallback} |`;
  });
  if (rows.length === 0) return ["(no fields)"];
  return ["| field | type | required | what it is |", "| --- | --- | --- | --- |", ...rows];
}

function typeOf(schema: Schema): string {
  if (schema.enum) return `one of ${schema.enum.map((v) => `\`${v}\``).join(", ")}`;
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(" or ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length === 0) return "any";
  return types
    .map((type) => {
      if (type === "array") return `list of ${schema.items ? typeOf(schema.items) : "any"}`;
      if (type === "object" && typeof schema.additionalProperties === "object") {
        return `mapping of name to ${typeOf(schema.additionalProperties)}`;
      }
      return TYPE_WORDS[type] ?? type;
    })
    .join(" or ");
}

const TYPE_WORDS: Record<string, string> = {
  string: "text",
  integer: "whole number",
  number: "number",
  boolean: "true/false",
  object: "mapping",
  null: "empty",
};

/** A table cell: no line breaks, no bare pipes. */
function cell(text: string): string {
  return text.replaceAll("\n", " ").replaceAll("|", "\\|");
}
