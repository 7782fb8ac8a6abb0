// The handout beside a topology file, checked against it: links to nodes or checks it lacks,
// and a handout that cannot be read, each as FILE:LINE:COL like the topology's own problems.
import { dirname, join } from "node:path";
import type { Diagnostic } from "../topology/diagnostics.ts";
import type { Topology } from "../topology/model.ts";
import { linkProblems } from "./links.ts";
import { HANDOUT_FILE, readHandout } from "./read.ts";

export async function handoutProblems(
  topologyFile: string,
  topology: Topology,
): Promise<Diagnostic[]> {
  const file = join(dirname(topologyFile), HANDOUT_FILE);
  const read = await readHandout(dirname(topologyFile));
  if (!read.ok) return [{ file, line: 1, col: 1, field: "", message: read.reason }];
  return read.markdown === null ? [] : linkProblems(read.markdown, file, topology);
}
