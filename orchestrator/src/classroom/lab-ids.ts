// The id a new lab gets: `<topology>-<owner>`, unique among the labs held, or the id of the lab
// the owner already holds of that topology. Pure: the lab service gives it every lab held.
import { slug } from "./roster.ts";

const LAB_ID_MAX = 40;

/** A lab id taken: by a lab on an engine, or by one being brought up in this process. */
export interface Holder {
  owner: string;
  topology: string;
  /** The bring-up under way in this process, if any. */
  done?: Promise<unknown>;
}

export interface LabIdChoice {
  lab: string;
  /** Whether `lab` is the owner's existing lab of the topology. */
  reused: boolean;
  /** The bring-up of the reused lab under way in this process, if any. */
  pending?: Promise<unknown>;
}

/**
 * `<topology>-<owner>`, shortened to fit, with `-2`, `-3`, ... when another owner or topology
 * holds that id. An existing lab of the same owner and topology is reused.
 */
export function chooseLabId(
  holders: Map<string, Holder>,
  owner: string,
  topology: string,
): LabIdChoice {
  for (const [lab, holder] of holders) {
    if (holder.owner === owner && holder.topology === topology) {
      return holder.done ? { lab, reused: true, pending: holder.done } : { lab, reused: true };
    }
  }
  const base = `${topology}-${slug(owner) || "user"}`;
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? "" : `-${n}`;
    const lab = `${base.slice(0, LAB_ID_MAX - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!holders.has(lab)) return { lab, reused: false };
  }
}
