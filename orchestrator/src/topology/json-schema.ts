// The topology format as a JSON Schema (draft 2020-12) for editors: with a
// `# yaml-language-server: $schema=...` line at the top of a topology, the YAML language server
// offers completion and hover text. It is made from the zod schemas the loader checks with, so
// the two cannot drift: the topology's own, and each role's schema for a node's `config`.
// Relations between fields (an address inside its subnet, a route via a known node) remain the
// loader's alone; `socketlab validate` reports those.
import { z } from "zod";
import type { RoleCatalog, RoleRules } from "./role-catalog.ts";
import { topologySchema } from "./schema.ts";

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema> };

/** Where socketlab keeps the generated schema, relative to the repository's root. */
export const TOPOLOGY_JSON_SCHEMA_FILE = "schemas/topology.schema.json";

export function topologyJsonSchema(catalog: RoleCatalog): JsonSchema {
  const schema = toJson(topologySchema);
  const roleNames = catalog.roles.map((role) => role.name);
  const node = property(property(schema, "nodes"), "additionalProperties");
  Object.assign(property(node, "role"), { enum: roleNames });
  Object.assign(property(property(schema, "defaults"), "role"), { enum: roleNames });
  // A node's `config` is checked against its role's schema once the node names its role; a node
  // that takes its role from the defaults gets no help with its config (the loader still checks it).
  node.allOf = catalog.roles.map((role) => ({
    if: { properties: { role: { const: role.name } }, required: ["role"] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, never awaited
    then: { properties: { config: configSchema(role) } },
  }));
  return schema;
}

function configSchema(role: RoleRules): JsonSchema | false {
  // A role without a schema takes no config: the loader refuses one.
  if (!role.config) return false;
  const { $schema: _, ...rest } = toJson(role.config);
  return { description: `Settings of the ${role.name} role (${role.summary}).`, ...rest };
}

function toJson(schema: z.ZodType): JsonSchema {
  // `input`: what an instructor writes (fields with defaults are optional), not what is parsed.
  // Refinements that JSON Schema cannot say are left to the loader ("any" rather than a throw).
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

function property(schema: JsonSchema, key: string): JsonSchema {
  const value = key === "additionalProperties" ? schema[key] : schema.properties?.[key];
  if (typeof value !== "object" || value === null) {
    throw new Error(`the topology's JSON Schema has no '${key}' where one is expected`);
  }
  return value as JsonSchema;
}
