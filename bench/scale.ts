// Benchmark: what a class costs as it grows on one engine. Through the service (a child process,
// support/service.ts), N labs of the three-nodes fixture are brought up one after another, one
// API request each, as students press Start; then, with all N up, it times listing them (the
// API's list, `socketlab ls`, `socketlab status` of one) and counts the engine's iptables filter
// rules and the service's memory. The service runs at LOG_LEVEL=debug, whose log gives each up's
// time by phase (runtime/phase-clock.ts): the phases of the first labs beside the last's show
// where any growth goes. It prints figures, never pass or fail.
//
//   node bench/scale.ts [--labs 10]          (the issue asks for 10, 50 and 150)
//
// Goals: the last lab's up within 1.25x of the first's; listing N = 150 labs under 1 s. Every lab
// it made is taken down at the end, also when it is cut short.
import { execFile } from "node:child_process";
import { parseArgs, promisify } from "node:util";
import { connectEngine } from "../orchestrator/src/runtime/engine.ts";
import type { PhaseSpan } from "../orchestrator/src/runtime/phase-clock.ts";
import { memory, type Service } from "../support/service.ts";
import { interruptible, machine, median, run, writeResult } from "./run.ts";
import { benchFolder, removeBenchLabs, renamedTopology, startService } from "./service-labs.ts";

const SOURCE = "tests/fixtures/three-nodes.yaml";
/** The topology's name in the benchmark's library, which tells its labs from any other. */
const TOPOLOGY = "bench-scale";
/**
 * How many labs at each end give the first and the last up time (their median): a tenth of
 * them, at least 3, so that a lab slowed by another program on the machine does not decide it.
 */
const ends = (labs: number) => Math.max(3, Math.floor(labs / 10));

const { values } = parseArgs({ options: { labs: { type: "string", default: "10" } } });
const labCount = Number(values.labs);
if (!Number.isInteger(labCount) || labCount < 1 || labCount > 200) {
  process.stderr.write("usage: node bench/scale.ts [--labs N], 1 <= N <= 200\n");
  process.exit(2);
}

const stop = interruptible();
const engine = await connectEngine();
const folder = await benchFolder(TOPOLOGY, await renamedTopology(SOURCE, TOPOLOGY));
const removeLabs = () => removeBenchLabs(engine, TOPOLOGY, 4);

/** Seconds `action` takes. */
async function seconds(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return (performance.now() - start) / 1000;
}

/** The rules of the engine's iptables filter table (the host's: this runs as root beside it). */
async function filterRules(): Promise<number> {
  const { stdout } = await promisify(execFile)("iptables-save", ["-t", "filter"]);
  return stdout.split("\n").filter((line) => line.startsWith("-A ")).length;
}

interface UpTimings {
  phases: PhaseSpan[];
  totalMs: number;
}

/** The service's debug line with one up's time by phase (api/plugins/services.ts); else null. */
function upTimings(line: string): UpTimings | null {
  if (!line.includes('"lab up: time by phase"')) return null;
  const { phases, totalMs } = JSON.parse(line) as UpTimings;
  return { phases, totalMs };
}

/** Each phase's median span (ms) over `ups`, in the order the phases ran. */
function phaseMedians(ups: UpTimings[]): Record<string, number> {
  const spans = new Map<string, number[]>();
  for (const { phases } of ups) {
    for (const { phase, startMs, endMs } of phases) {
      spans.set(phase, [...(spans.get(phase) ?? []), endMs - startMs]);
    }
  }
  return Object.fromEntries([...spans].map(([phase, ms]) => [phase, median(ms)]));
}

let service: Service | undefined;
const ups: UpTimings[] = [];
let figures: Record<string, unknown> | undefined;
try {
  await removeLabs(); // what an interrupted earlier run may have left
  service = await startService(folder, stop, {
    env: { LOG_LEVEL: "debug" },
    onLogLine: (line) => {
      const timings = upTimings(line);
      if (timings) ups.push(timings);
    },
  });
  const students = Array.from({ length: labCount }, (_, i) => ({
    name: `Student ${i + 1}`,
    id: `sc${i + 1}`,
  }));
  await service.json("POST", "/api/classes", { name: "benchmark scale", students });
  const upTimes: number[] = [];
  for (const { id } of students) {
    const api = service;
    upTimes.push(
      await seconds(() => api.json("POST", "/api/labs", { topology: TOPOLOGY, owner: id })),
    );
    process.stderr.write(`lab ${upTimes.length}: ${(upTimes.at(-1) as number).toFixed(2)} s\n`);
  }
  const listed = await service.json<{ lab: string }[]>("GET", "/api/labs");
  const apiList = await seconds(() => (service as Service).json("GET", "/api/labs"));
  const ls = await seconds(() => run("./socketlab", ["ls"], stop));
  const status = await seconds(() =>
    run("./socketlab", ["status", (listed[0] as { lab: string }).lab], stop),
  );
  const end = ends(labCount);
  const first = median(upTimes.slice(0, end));
  const last = median(upTimes.slice(-end));
  figures = {
    labs: labCount,
    labsListed: listed.length,
    upFirst: first,
    upLast: last,
    upRatio: last / first,
    apiList,
    ls,
    status,
    iptablesFilterRules: await filterRules(),
    serviceRss: memory(service.pid).rss,
    ends: end,
    upTimes,
    // Labs come up one after another, so the log's lines are in the labs' order.
    phasesFirst: phaseMedians(ups.slice(0, end)),
    phasesLast: phaseMedians(ups.slice(-end)),
  };
} catch (error) {
  if (!stop.aborted) throw error;
} finally {
  await service?.stop();
  await removeLabs().catch((error) => process.stderr.write(`clean-up failed: ${error}\n`));
  await folder.remove();
}
if (stop.aborted || figures === undefined) process.exit(130);

const f = figures as Record<string, number>;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
console.log(`${labCount} labs of ${SOURCE} through the service, one after another`);
console.log(`up, first ${f.ends} labs (median)   ${f.upFirst?.toFixed(2)} s`);
console.log(`up, last ${f.ends} labs (median)    ${f.upLast?.toFixed(2)} s`);
console.log(`up: ratio last/first        ${f.upRatio?.toFixed(2)}x (goal 1.25x)`);
console.log(`API list of ${f.labsListed} labs         ${f.apiList?.toFixed(3)} s`);
console.log(`socketlab ls                ${f.ls?.toFixed(3)} s`);
console.log(`socketlab status (one lab)  ${f.status?.toFixed(3)} s`);
console.log(`iptables filter rules       ${f.iptablesFilterRules}`);
console.log(`service RSS                 ${mb(f.serviceRss as number)}`);
const phasesFirst = figures.phasesFirst as Record<string, number>;
const phasesLast = figures.phasesLast as Record<string, number>;
console.log(`phase (median span, ms)     first ${f.ends}   last ${f.ends}`);
for (const [phase, ms] of Object.entries(phasesFirst)) {
  const last = (phasesLast[phase] ?? Number.NaN).toFixed(0);
  console.log(`  ${phase.padEnd(26)}${ms.toFixed(0).padStart(7)}${last.padStart(9)}`);
}
const path = await writeResult("scale", {
  date: new Date().toISOString(),
  topology: SOURCE,
  machine: machine({}),
  ...figures,
});
console.log(`results: ${path}`);
