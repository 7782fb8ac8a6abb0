// Names of the Docker objects of a lab instance, and the rules for the identifiers they are
// built from. Every name is derived, never stored, so any process can find a lab's objects.
import { createHash } from "node:crypto";

const LAB_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const OWNER_MAX_CHARS = 64;
/** Control, format, private-use and unassigned characters, and line/paragraph separators. */
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;
/** Linux limits interface names to 15 characters (IFNAMSIZ minus the terminating NUL). */
const BRIDGE_HASH_CHARS = 13;

/** Returns why `id` cannot name a lab, or null if it can. */
export function validateLabId(id: string): string | null {
  if (!LAB_ID.test(id)) {
    return `lab id ${JSON.stringify(id)} must be 1 to 40 characters of a-z, 0-9 and '-', starting with a letter or digit`;
  }
  if (id.endsWith("-")) return `lab id ${JSON.stringify(id)} must not end with '-'`;
  return null;
}

/** Returns why `owner` cannot be a lab's owner, or null if it can. Any printable text fits. */
export function validateOwner(owner: string): string | null {
  if ([...owner].length > OWNER_MAX_CHARS) {
    return `owner must be at most ${OWNER_MAX_CHARS} characters`;
  }
  if (UNPRINTABLE.test(owner)) return `owner ${JSON.stringify(owner)} has unprintable characters`;
  return null;
}

export function containerName(lab: string, node: string): string {
  return `sl_${lab}_${node}`;
}

export function networkName(lab: string, network: string): string {
  return `sl_${lab}_${network}`;
}

/**
 * The bridge interface of a lab network: `sl` and a hash of lab and network, since the names
 * themselves do not fit in 15 characters. `/` appears in neither, so the pair is unambiguous.
 */
export function bridgeName(lab: string, network: string): string {
  const digest = createHash("sha256").update(`${lab}/${network}`).digest("hex");
  return `sl${digest.slice(0, BRIDGE_HASH_CHARS)}`;
}
