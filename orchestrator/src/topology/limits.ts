// Resource limits: what an instructor writes (`256m`, half a CPU) in the units Docker takes.
import { parseSize } from "../config.ts";
import type { Path, Report } from "./diagnostics.ts";
import type { Limits } from "./model.ts";
import type { NodeDocument } from "./schema.ts";

export type LimitsDocument = NonNullable<NodeDocument["limits"]>;

/** Docker refuses to create a container with a memory limit below 6 MiB. */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;
/** Docker's smallest CPU quota: 0.01 CPUs. */
export const MIN_NANO_CPUS = 10_000_000;

/** `256m`, `1.5g`, `512k` or a number of bytes (as a number or text), in bytes. Units are binary, as in Docker. */
export function parseMemory(value: number | string): number {
  if (typeof value === "number") return value;
  return parseSize(value) ?? Number.NaN;
}

/**
 * The limits written at `path` (already of the right form), converted and checked. Those not
 * written are left out, so that spreading layers of them applies each field's closest setting.
 */
export function convertLimits(
  written: Partial<LimitsDocument>,
  path: Path,
  report: Report,
): Partial<Limits> {
  const limits: Partial<Limits> = {};
  if (written.memory !== undefined) {
    limits.memoryBytes = parseMemory(written.memory);
    if (limits.memoryBytes < MIN_MEMORY_BYTES) {
      report([...path, "memory"], `memory ${written.memory} is below the 6m Docker requires`);
    }
  }
  if (written.cpus !== undefined) {
    limits.nanoCpus = Math.round(written.cpus * 1e9);
    if (limits.nanoCpus < MIN_NANO_CPUS) report([...path, "cpus"], "cpus must be at least 0.01");
  }
  if (written.pids !== undefined) limits.pids = written.pids;
  return limits;
}
