// A topology folder held in memory (an uploaded archive's files), checked as the library would
// load it: its topology.yaml with `source:` files read from the folder itself, and its handout
// (README.md) against the topology. Every problem at its file, line and column.
import { posix } from "node:path";
import { linkProblems } from "../handout/links.ts";
import { HANDOUT_FILE, MAX_HANDOUT_BYTES } from "../handout/read.ts";
import { loadTopologyText } from "../roles/load.ts";
import type { Diagnostic } from "../topology/load.ts";
import type { Topology } from "../topology/model.ts";
import { MAX_SOURCE_BYTES, type SourceRead } from "../topology/sources.ts";
import { entryPath } from "./topology-archive.ts";

export const TOPOLOGY_FILE = "topology.yaml";

const whole = (file: string, message: string): Diagnostic => ({
  file,
  line: 1,
  col: 1,
  field: "",
  message,
});

export type CheckedFolder =
  | { ok: true; topology: Topology }
  | { ok: false; diagnostics: Diagnostic[] };

export async function checkFolder(files: Map<string, Buffer>): Promise<CheckedFolder> {
  const yaml = files.get(TOPOLOGY_FILE);
  if (!yaml) {
    return {
      ok: false,
      diagnostics: [whole(TOPOLOGY_FILE, "the archive has no topology.yaml at its top")],
    };
  }
  const readSource = async (source: string): Promise<SourceRead> => {
    const path = posix.isAbsolute(source) ? null : entryPath(posix.normalize(source));
    if (!path?.ok)
      return { ok: false, reason: `source '${source}' is outside the topology's folder` };
    const data = files.get(path.path);
    if (!data) return { ok: false, reason: `source '${source}' is not in the archive` };
    if (data.length > MAX_SOURCE_BYTES) {
      return { ok: false, reason: `source '${source}' is larger than ${MAX_SOURCE_BYTES} bytes` };
    }
    return { ok: true, data };
  };
  const loaded = await loadTopologyText(yaml.toString("utf8"), TOPOLOGY_FILE, readSource);
  if (!loaded.ok) return loaded;
  const handout = files.get(HANDOUT_FILE);
  if (handout && handout.length > MAX_HANDOUT_BYTES) {
    return {
      ok: false,
      diagnostics: [whole(HANDOUT_FILE, `larger than ${MAX_HANDOUT_BYTES} bytes`)],
    };
  }
  const problems = handout
    ? linkProblems(handout.toString("utf8"), HANDOUT_FILE, loaded.topology)
    : [];
  return problems.length > 0
    ? { ok: false, diagnostics: problems }
    : { ok: true, topology: loaded.topology };
}
