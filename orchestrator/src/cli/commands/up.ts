import { userInfo } from "node:os";
import { upLab } from "../../labs/lifecycle.ts";
import { labStatus } from "../../labs/status.ts";
import { loadTopologyFile } from "../../roles/load.ts";
import { ensureImages } from "../../runtime/images/build.ts";
import { formatPhases, NO_CLOCK, recordingClock } from "../../runtime/phase-clock.ts";
import { formatDiagnostic } from "../../topology/load.ts";
import { type OptionSpecs, parse, printJson } from "../args.ts";
import { terminalProgress } from "../progress.ts";
import { enginesOption, imageEngine, poolFile, upTarget } from "../target.ts";
import type { Command } from "./index.ts";
import { printLabStatus } from "./status.ts";

const options = {
  lab: { type: "string", value: "ID", help: "the lab's name (required): letters, digits and '-'" },
  owner: {
    type: "string",
    default: userInfo().username,
    defaultHelp: "your user name",
    value: "NAME",
    help: "whose lab it is",
  },
  json: { type: "boolean", default: false, help: "the lab's status and what changed, as JSON" },
  timings: {
    type: "boolean",
    default: false,
    help: "print on stderr where the time went: each phase's wall time since the command started",
  },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const up: Command = {
  options,
  examples: [
    [
      "socketlab up topologies/dns-basics/topology.yaml --lab ada-dns",
      "lab ada-dns from the dns-basics topology",
    ],
    [
      "socketlab up my-lab.yaml --lab ada-dns",
      "again with a changed topology: only what changed is made anew",
    ],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["FILE"]);
    if (!values.lab) {
      process.stderr.write("socketlab: up needs --lab ID\n");
      return 2;
    }
    // From the process's start: what loading the command cost shows before the first phase.
    const recording = values.timings ? recordingClock(() => performance.now(), 0) : null;
    const clock = recording ?? NO_CLOCK;
    // Nothing touches Docker until the topology is known to be sound.
    const loaded = await clock.time("topology", () => loadTopologyFile(positionals[0] as string));
    if (!loaded.ok) {
      for (const d of loaded.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      return 1;
    }
    const file = poolFile(values.engines);
    const builder = await imageEngine(file);
    // Missing or outdated socketlab images are built first (cached: quick when all are current);
    // with a pool, on its first engine, and copied from there to the engine a lab is placed on.
    await clock.time("image checks", () =>
      ensureImages(builder, { log: (line) => process.stderr.write(`${line}\n`), quiet: true }),
    );
    const { engine, name } = file
      ? await upTarget(file, values.lab, values.owner, loaded.topology)
      : { engine: builder, name: null };
    const progress = terminalProgress();
    const { report } = await upLab(engine, loaded.topology, {
      lab: values.lab,
      owner: values.owner,
      ...(progress ? { progress } : {}),
      clock,
    });
    const lab = values.lab;
    const status = await clock.time("status", () => labStatus(engine, lab));
    if (recording) {
      process.stderr.write(`${formatPhases(recording.spans(), recording.elapsedMs())}\n`);
    }
    if (values.json) {
      printJson(
        name === null ? { status, changes: report } : { status, changes: report, engine: name },
      );
    } else if (status) {
      printLabStatus(status, name);
    }
    return 0;
  },
};
