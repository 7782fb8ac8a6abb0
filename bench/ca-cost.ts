// Benchmark: what a lab CA costs at `socketlab up`. The same 6-node lab (CA, DNS, web and mail
// with TLS, two clients) beside itself without the CA (the CA node a plain host, no TLS), each
// brought up with the CLI as a user runs it. It prints figures, never pass or fail.
//
//   node bench/ca-cost.ts [--runs N]
//
// Every node but the CA trusts the lab's root at its start, and web and mail get certificates
// signed: that work is the difference. Runs alternate (with CA, without, with, ...) after one
// untimed warm-up of each; tear-downs are not timed.
import { interruptible, machine, pairRow, reportPair, run, runsOption, timed } from "./run.ts";

const WITH_CA = "bench/labs/tls-with-ca.yaml";
const WITHOUT_CA = "bench/labs/tls-without-ca.yaml";
const LAB = "bench-ca-cost";

const runs = runsOption("node bench/ca-cost.ts");
const stop = interruptible();

const times = { withCa: [] as number[], withoutCa: [] as number[] };
const down = () => run("./socketlab", ["down", LAB]);
try {
  await down(); // what an interrupted earlier run may have left
  console.log(
    `${WITH_CA} vs ${WITHOUT_CA}: ${runs} runs each, alternating, after one warm-up (seconds)`,
  );
  pairRow("run", "with CA", "without");
  for (let i = 0; i <= runs; i++) {
    const withCa = await timed("./socketlab", ["up", WITH_CA, "--lab", LAB], stop);
    await down();
    const withoutCa = await timed("./socketlab", ["up", WITHOUT_CA, "--lab", LAB], stop);
    await down();
    pairRow(i === 0 ? "warm-up" : String(i), withCa.toFixed(2), withoutCa.toFixed(2));
    if (i === 0) continue;
    times.withCa.push(withCa);
    times.withoutCa.push(withoutCa);
  }
} catch (error) {
  // An interrupted run fails where it was stopped: no error, only the end of the benchmark.
  if (!stop.aborted) throw error;
} finally {
  await down().catch((error) => process.stderr.write(`clean-up failed: ${error}\n`));
}
if (stop.aborted) process.exit(130);

await reportPair({
  name: "ca-cost",
  keys: ["withCa", "withoutCa"],
  times,
  topology: `${WITH_CA} vs ${WITHOUT_CA}`,
  runs,
  note: "the same lab with and without its CA (trust at every node's start, two certificates signed)",
  machine: machine({}),
});
