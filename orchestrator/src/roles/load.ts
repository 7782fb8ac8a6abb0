// Loading topologies with every role of the registry known and the capabilities the operator
// allows: the loader the rest of socketlab uses.
import { extraCapabilities } from "../config.ts";
import { topologyJsonSchema } from "../topology/json-schema.ts";
import { allowedCapabilities } from "../topology/linux.ts";
import { type TopologyLoader, topologyLoader } from "../topology/load.ts";
import type { SourceReader } from "../topology/sources.ts";
import { ROLE_CATALOG } from "./index.ts";

let loader: TopologyLoader | undefined;

/** Made at first use, so that a wrong setting is an error of that use, not of an import. */
function theLoader(): TopologyLoader {
  if (loader === undefined) {
    let capabilities: ReadonlySet<string>;
    try {
      capabilities = allowedCapabilities(extraCapabilities());
    } catch (error) {
      throw new Error(`SOCKETLAB_EXTRA_CAPABILITIES: ${(error as Error).message}`);
    }
    loader = topologyLoader(ROLE_CATALOG, capabilities);
  }
  return loader;
}

/** Checks the operator's settings the loader takes; throws naming the one that is wrong. */
export function checkLoaderSettings(): void {
  theLoader();
}

/** Loads a topology file; its `source` files are read from the folder it is in. */
export const loadTopologyFile = (path: string) => theLoader().file(path);

/** Loads a topology from its text; `file` only names it in diagnostics. */
export const loadTopologyText = (text: string, file: string, readSource: SourceReader) =>
  theLoader().text(text, file, readSource);

/** The topology format as a JSON Schema, every role's config included (for editors). */
export const topologyFormatSchema = () => topologyJsonSchema(ROLE_CATALOG);
