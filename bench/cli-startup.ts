// Benchmark: what each CLI command costs before it does its work, beside the floor of any
// Node.js process (`node -e 0`) in the same run. It prints figures, never pass or fail.
//
//   node bench/cli-startup.ts [--runs N]
//
// Every command is a fresh process, so its start-up is paid on every call. `--help` loads no
// command; `ls` and `status` load one command's modules and ask the engine once or twice; `up`
// of a lab that is already up loads the planner and converges with nothing to do. A 3-node lab
// is brought up for `status` and `up` and taken down at the end. Runs alternate command and floor.
import { interruptible, machine, median, run, runsOption, timed, writeResult } from "./run.ts";

const TOPOLOGY = "tests/fixtures/three-nodes.yaml";
const LAB = "bench-cli-startup";
const runs = runsOption("node bench/cli-startup.ts");
const stop = interruptible();

const COMMANDS: [string, string[]][] = [
  ["--help", ["--help"]],
  ["ls", ["ls"]],
  ["status", ["status", LAB]],
  ["up (unchanged lab)", ["up", TOPOLOGY, "--lab", LAB]],
];
const times: Record<string, number[]> = Object.fromEntries(
  ["floor", ...COMMANDS.map(([name]) => name)].map((name) => [name, []]),
);
try {
  await run("./socketlab", ["up", TOPOLOGY, "--lab", LAB]);
  for (let i = 0; i <= runs; i++) {
    for (const [name, args] of COMMANDS) {
      const command = await timed("./socketlab", args, stop);
      const floor = await timed(process.execPath, ["-e", "0"], stop);
      if (i === 0) continue; // the warm-up: caches filled
      times[name]?.push(command);
      times.floor?.push(floor);
    }
  }
  const floor = median(times.floor ?? []);
  console.log(`socketlab commands, ${runs} runs each after a warm-up (median seconds, wall)`);
  console.log(`${"node -e 0 (floor)".padEnd(22)}${floor.toFixed(3).padStart(8)}`);
  const medians: Record<string, number> = { floor };
  for (const [name] of COMMANDS) {
    medians[name] = median(times[name] ?? []);
    const ratio = (medians[name] as number) / floor;
    console.log(
      `${name.padEnd(22)}${(medians[name] as number).toFixed(3).padStart(8)}  ${ratio.toFixed(1)}x floor`,
    );
  }
  const path = await writeResult("cli-startup", {
    date: new Date().toISOString(),
    runs,
    machine: machine({}),
    seconds: times,
    median: medians,
  });
  console.log(`results: ${path}`);
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  await run("./socketlab", ["down", LAB]).catch(() => undefined);
}
