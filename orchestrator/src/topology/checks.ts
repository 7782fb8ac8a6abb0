// A topology's checks: what the schema cannot see is whether each names a node (or, from the
// probe, networks) of the topology, whether its fields fit its vantage, and whether ids are
// unique (results are reported by id, so two checks must not share one).
import type { Report } from "./diagnostics.ts";
import { type CheckDef, DEFAULT_CHECK_TIMEOUT_SECONDS } from "./model.ts";
import { topologySchema } from "./schema.ts";
import { fields, items, member } from "./wellformed.ts";

const checkSchema = topologySchema.shape.checks.unwrap().element;

/** The checks written under `checks`, each problem reported where it stands. */
export function resolveChecks(
  written: unknown,
  nodes: ReadonlySet<string>,
  networks: ReadonlySet<string>,
  report: Report,
): CheckDef[] {
  const firstById = new Map<string, number>();
  const checks: CheckDef[] = [];
  for (const [index, value] of items(written)) {
    const path = ["checks", index];
    const written = fields(checkSchema, value);
    const { id, task, vantage = "node", node, command, timeout } = written;
    const writtenNetworks = written.networks;
    if (id !== undefined) {
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, index);
      else report([...path, "id"], `check id '${id}' is already used by checks[${first}]`);
    }
    // A vantage written wrong is reported by the shape check; which fields fit it is unknown.
    let fits = member(value, "vantage") === undefined || written.vantage !== undefined;
    if (fits && vantage === "node") {
      if (member(value, "networks") !== undefined) {
        report(
          [...path, "networks"],
          "only a check with `vantage: probe` names networks; this one runs on its node",
          "key",
        );
        fits = false;
      }
      if (member(value, "node") === undefined) {
        report([...path, "node"], "required (or `vantage: probe` with the networks to probe from)");
        fits = false;
      } else if (node !== undefined && !nodes.has(node)) {
        report([...path, "node"], `unknown node '${node}'`);
        fits = false;
      }
    } else if (fits) {
      if (member(value, "node") !== undefined) {
        report(
          [...path, "node"],
          "a probe check runs on no node of the lab: name its `networks` instead",
          "key",
        );
        fits = false;
      }
      if (member(value, "networks") === undefined) {
        report(
          [...path, "networks"],
          "required for `vantage: probe`: the lab networks it probes from",
        );
        fits = false;
      }
      const seen = new Set<string>();
      for (const [i, network] of (writtenNetworks ?? []).entries()) {
        if (!networks.has(network)) {
          report([...path, "networks", i], `network '${network}' is not declared under networks`);
          fits = false;
        } else if (seen.has(network)) {
          report([...path, "networks", i], `network '${network}' is listed twice`);
          fits = false;
        }
        seen.add(network);
      }
    }
    if (!fits || id === undefined || task === undefined || command === undefined) continue;
    const common = { id, task, command, timeoutSeconds: timeout ?? DEFAULT_CHECK_TIMEOUT_SECONDS };
    if (vantage === "probe" && writtenNetworks !== undefined) {
      checks.push({ ...common, vantage, networks: writtenNetworks });
    } else if (vantage === "node" && node !== undefined) {
      checks.push({ ...common, vantage, node });
    }
  }
  return checks;
}
