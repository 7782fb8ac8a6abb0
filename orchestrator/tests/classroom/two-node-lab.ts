// The lab the engine watches' tests bring up on the in-memory engine: nodes a and b on one
// network, owned by alice; `taken` holds the subnets of the labs already there.
import { planLab } from "../../src/plan/plan.ts";
import type { LabPlan } from "../../src/plan/types.ts";
import { network, node, request, topology } from "../plan/helpers.ts";

export function twoNodeLab(id: string, taken: string[] = []): LabPlan {
  const result = planLab(
    topology([network("lan", "192.168.1.0/24")], [node("a", { lan: 10 }), node("b", { lan: 11 })]),
    request({ lab: id, owner: "alice", taken }),
  );
  if (!result.ok) throw new Error(result.error);
  return result.plan;
}
