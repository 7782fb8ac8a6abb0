// A topology's checks: what the schema cannot see is whether each names a node of the topology
// and whether ids are unique (results are reported by id, so two checks must not share one).
import type { Report } from "./diagnostics.ts";
import { type CheckDef, DEFAULT_CHECK_TIMEOUT_SECONDS } from "./model.ts";
import { topologySchema } from "./schema.ts";
import { fields, items } from "./wellformed.ts";

const checkSchema = topologySchema.shape.checks.unwrap().element;

/** The checks written under `checks`, each problem reported where it stands. */
export function resolveChecks(
  written: unknown,
  nodes: ReadonlySet<string>,
  report: Report,
): CheckDef[] {
  const firstById = new Map<string, number>();
  const checks: CheckDef[] = [];
  for (const [index, value] of items(written)) {
    const path = ["checks", index];
    const { id, task, node, command, timeout } = fields(checkSchema, value);
    if (id !== undefined) {
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, index);
      else report([...path, "id"], `check id '${id}' is already used by checks[${first}]`);
    }
    if (node !== undefined && !nodes.has(node)) {
      report([...path, "node"], `unknown node '${node}'`);
    }
    if (id === undefined || task === undefined || node === undefined || command === undefined) {
      continue;
    }
    checks.push({
      id,
      task,
      node,
      command,
      timeoutSeconds: timeout ?? DEFAULT_CHECK_TIMEOUT_SECONDS,
    });
  }
  return checks;
}
