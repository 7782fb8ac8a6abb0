// Loading topologies with every role of the registry known: the loader the rest of socketlab uses.
import { topologyJsonSchema } from "../topology/json-schema.ts";
import { topologyLoader } from "../topology/load.ts";
import type { SourceReader } from "../topology/sources.ts";
import { ROLE_CATALOG } from "./index.ts";

const loader = topologyLoader(ROLE_CATALOG);

/** Loads a topology file; its `source` files are read from the folder it is in. */
export const loadTopologyFile = (path: string) => loader.file(path);

/** Loads a topology from its text; `file` only names it in diagnostics. */
export const loadTopologyText = (text: string, file: string, readSource: SourceReader) =>
  loader.text(text, file, readSource);

/** The topology format as a JSON Schema, every role's config included (for editors). */
export const topologyFormatSchema = () => topologyJsonSchema(ROLE_CATALOG);
