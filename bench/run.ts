// What every benchmark does around its measurements: run commands from the project root, stop
// cleanly on Ctrl-C, and keep its figures in bench/results/.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";

export const ROOT = join(import.meta.dirname, "..");

const execFileAsync = promisify(execFile);

/** Runs a command from the project root; its output is kept for the error when it fails. */
export async function run(command: string, args: string[], signal?: AbortSignal): Promise<string> {
  const { stdout } = await execFileAsync(command, args, {
    cwd: ROOT,
    signal,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

/** Seconds a command takes, from spawn to exit. */
export async function timed(command: string, args: string[], signal: AbortSignal): Promise<number> {
  const start = performance.now();
  await run(command, args, signal);
  return (performance.now() - start) / 1000;
}

/**
 * Ctrl-C (or SIGTERM) aborts the returned signal: the benchmark stops where it is and its
 * `finally` cleans up. The listener goes after the first signal, so a second one quits at once.
 */
export function interruptible(): AbortSignal {
  const interrupt = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping and cleaning up (again to quit at once)\n`);
      interrupt.abort();
    });
  }
  return interrupt.signal;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The --runs N option of a benchmark (default 5); exits 2 with its usage when N is no count. */
export function runsOption(usage: string): number {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`usage: ${usage} [--runs N], N >= 1\n`);
    process.exit(2);
  }
  return runs;
}

/**
 * The machine a result was measured on, and its load average (1, 5, 15 minutes) when the result
 * is written: on a shared machine, what else ran meanwhile shows there.
 */
export function machine(extra: Record<string, string>): Record<string, unknown> {
  const loadAverage = loadavg().map((load) => Number(load.toFixed(2)));
  return { cpus: cpus().length, node: process.version, loadAverage, ...extra };
}

/** Writes `result` to bench/results/NAME-<time>.json (not committed); returns the path. */
export async function writeResult(name: string, result: object): Promise<string> {
  const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
  const dir = join(ROOT, "bench", "results");
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}-${stamp}.json`);
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/** A line of a two-column table of seconds, as the alternating benchmarks print them. */
export function pairRow(label: string, first: string, second: string): void {
  console.log(`${label.padEnd(8)}${first.padStart(10)}${second.padStart(10)}`);
}

interface PairReport<A extends string, B extends string> {
  name: string;
  /** The two series' keys, socketlab's first: the ratio is first/second. */
  keys: [A, B];
  times: Record<A | B, number[]>;
  topology: string;
  runs: number;
  note: string;
  machine: Record<string, unknown>;
}

/**
 * Ends an alternating benchmark: prints both medians and their ratio, writes the result file
 * (bench/all.ts reads `median` and `ratio` from it) and prints its path.
 */
export async function reportPair<A extends string, B extends string>(
  report: PairReport<A, B>,
): Promise<void> {
  const [first, second] = report.keys;
  const medians = { [first]: median(report.times[first]), [second]: median(report.times[second]) };
  const ratio = (medians[first] as number) / (medians[second] as number);
  pairRow("median", (medians[first] as number).toFixed(2), (medians[second] as number).toFixed(2));
  console.log(`ratio ${first}/${second}: ${ratio.toFixed(2)}`);
  console.log(`note: ${report.note}`);
  const path = await writeResult(report.name, {
    date: new Date().toISOString(),
    topology: report.topology,
    runs: report.runs,
    machine: report.machine,
    seconds: report.times,
    median: medians,
    ratio,
    note: report.note,
  });
  console.log(`results: ${path}`);
}
