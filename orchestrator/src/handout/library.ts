// A library topology's handout for one lab: the README.md beside its topology.yaml, with the
// lab's subnets in place of the topology's.
import { join } from "node:path";
import type { LoadResult } from "../topology/load.ts";
import { type LabHandout, labHandout } from "./handout.ts";
import { readHandout } from "./read.ts";

/** What the handout needs of the library: its folder and its loader (which checks the name). */
export interface HandoutLibrary {
  readonly dir: string;
  load(name: string): Promise<LoadResult | null>;
}

const NONE: LabHandout = { markdown: null, networks: [], tasks: [] };

/**
 * The handout of `topology` for a lab with `labNetworks`. A topology that is gone from the
 * library or no longer loads, and a handout that cannot be read (`socketlab validate` names
 * why), give no handout rather than an error: the lab itself still works.
 */
export async function libraryHandout(
  library: HandoutLibrary,
  topology: string,
  labNetworks: readonly { name: string; subnet: string }[],
): Promise<LabHandout> {
  const loaded = await library.load(topology);
  if (!loaded?.ok) return NONE;
  const read = await readHandout(join(library.dir, topology));
  if (!read.ok) return NONE;
  return labHandout(read.markdown, loaded.topology.networks, labNetworks);
}
