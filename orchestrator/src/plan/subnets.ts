// Instance subnets: every lab instance gets its own copy of each topology network, of the same
// size, carved from the pool so that it overlaps nothing else on the engine.
import { type Cidr, parseCidr, parseCidrLoose, size } from "../net/ipv4.ts";
import type { NetworkDef } from "../topology/model.ts";
import type { PlanRequest } from "./types.ts";

export type SubnetAllocation =
  | { ok: true; subnets: Map<string, Cidr> }
  | { ok: false; error: string };

/** Addresses [start, end): a subnet nothing new may overlap. */
interface Range {
  start: number;
  end: number;
}

/**
 * Keeps each network's existing subnet when it still has the topology's prefix length, even if
 * `taken` lists it too (the runtime may report the lab's own networks there). Every other
 * network gets the lowest free block of its size, scanning the pool entries in order.
 */
export function allocateSubnets(
  networks: readonly NetworkDef[],
  request: Pick<PlanRequest, "pool" | "taken" | "existing">,
): SubnetAllocation {
  const pool: Cidr[] = [];
  for (const text of request.pool) {
    const parsed = parseCidr(text);
    if (!parsed.ok) return { ok: false, error: `subnet pool: ${parsed.reason}` };
    pool.push(parsed.cidr);
  }
  const blocked: Range[] = [];
  for (const text of request.taken) {
    // Engines report IPv6 subnets too; they cannot overlap IPv4 ones.
    if (text.includes(":")) continue;
    const cidr = parseCidrLoose(text);
    if (cidr === null) return { ok: false, error: `taken subnet '${text}' is not an IPv4 subnet` };
    blocked.push(rangeOf(cidr));
  }

  // Kept subnets first: a network allocated earlier must not take a later one's subnet.
  const subnets = new Map<string, Cidr>();
  for (const network of networks) {
    const text = request.existing[network.name];
    if (text === undefined) continue;
    const parsed = parseCidr(text);
    if (!parsed.ok) {
      return { ok: false, error: `existing subnet of network '${network.name}': ${parsed.reason}` };
    }
    if (parsed.cidr.prefix !== network.subnet.prefix) continue;
    subnets.set(network.name, parsed.cidr);
    blocked.push(rangeOf(parsed.cidr));
  }

  for (const network of networks) {
    if (subnets.has(network.name)) continue;
    const prefix = network.subnet.prefix;
    const free = lowestFree(pool, merge(blocked), prefix);
    if (free === null) {
      const where = request.pool.join(", ") || "(empty)";
      return {
        ok: false,
        error: `subnet pool exhausted: no free /${prefix} for network '${network.name}' in ${where}`,
      };
    }
    subnets.set(network.name, free);
    blocked.push(rangeOf(free));
  }
  return { ok: true, subnets };
}

/**
 * The first aligned block of `prefix` inside a pool entry that overlaps no blocked range. On a
 * collision it jumps past the whole blocking range, so the cost grows with the number of blocked
 * ranges met, not with the number of blocks in the pool.
 */
function lowestFree(pool: readonly Cidr[], blocked: readonly Range[], prefix: number): Cidr | null {
  const blockSize = 2 ** (32 - prefix);
  for (const entry of pool) {
    // An entry smaller than one block cannot hold it; a larger one starts block-aligned.
    if (entry.prefix > prefix) continue;
    const end = entry.base + size(entry);
    let start = entry.base;
    while (start + blockSize <= end) {
      const hit = firstEndingAfter(blocked, start);
      if (hit === undefined || hit.start >= start + blockSize) return { base: start, prefix };
      start = Math.ceil(hit.end / blockSize) * blockSize;
    }
  }
  return null;
}

/** Binary search in sorted, disjoint ranges for the first one ending after `address`. */
function firstEndingAfter(ranges: readonly Range[], address: number): Range | undefined {
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((ranges[middle] as Range).end > address) high = middle;
    else low = middle + 1;
  }
  return ranges[low];
}

/** Sorted, disjoint ranges covering the same addresses. */
function merge(ranges: readonly Range[]): Range[] {
  const merged: Range[] = [];
  for (const range of [...ranges].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function rangeOf(cidr: Cidr): Range {
  return { start: cidr.base, end: cidr.base + size(cidr) };
}
