// Finding a lab on the pool's engines by its record, when the store does not say (the CLI keeps
// no store) or says wrong: every engine is asked at once.
import type { LabPlan } from "../plan/types.ts";
import { errorMessage } from "../runtime/engine.ts";
import { readLabRecord } from "../runtime/lab-record.ts";
import type { EngineMember } from "./engines.ts";
import { unreachable } from "./observe.ts";

export interface RecordSearch {
  /** The engines that hold the lab's record, in the pool's order. */
  found: { member: EngineMember; plan: LabPlan }[];
  /** The engines that did not answer, and why. */
  silent: { member: EngineMember; error: string }[];
}

/** Asks every member at once whether it holds the lab's record. */
export async function searchRecord(lab: string, members: EngineMember[]): Promise<RecordSearch> {
  const answers = await Promise.all(
    members.map(async (member) => {
      const down = await unreachable(member.engine);
      if (down !== null) return { member, error: down, plan: null };
      return readLabRecord(member.engine, lab).then(
        (plan) => ({ member, error: null, plan }),
        (error: unknown) => ({ member, error: errorMessage(error), plan: null }),
      );
    }),
  );
  return {
    found: answers.flatMap(({ member, plan }) => (plan ? [{ member, plan }] : [])),
    silent: answers.flatMap(({ member, error }) => (error !== null ? [{ member, error }] : [])),
  };
}
