import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { finished } from "node:stream/promises";
import { networkBridge } from "../../labs/capture.ts";
import { captureBridge } from "../../runtime/capture.ts";
import { type OptionSpecs, parse, UsageError } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const MAX_SECONDS = 3600;

const options = {
  seconds: {
    type: "string",
    default: "10",
    value: "N",
    help: `how long to record, 1 to ${MAX_SECONDS} seconds`,
  },
  output: {
    type: "string",
    short: "o",
    value: "FILE",
    help: "the pcap file to write ('-': stdout)",
  },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const capture: Command = {
  options,
  examples: [
    [
      "socketlab capture ada-dns lan -o dns.pcap",
      "ten seconds of network lan of lab ada-dns, into dns.pcap",
    ],
    [
      "socketlab capture ada-dns lan --seconds 60 -o - | tshark -r -",
      "a minute of it, read by tshark as it comes",
    ],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["ID", "NETWORK"]);
    const [lab, network] = positionals as [string, string];
    const seconds = Number(values.seconds);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SECONDS) {
      throw new UsageError(`--seconds must be a whole number from 1 to ${MAX_SECONDS}`);
    }
    const output = values.output;
    if (output === undefined) throw new UsageError("missing -o FILE.pcap");
    const { engine } = await labTarget(lab, poolFile(values.engines));
    const bridge = await networkBridge(engine, lab, network);
    if (output === "-") {
      const { summary } = await captureBridge(engine, bridge, seconds, process.stdout);
      process.stderr.write(`${lab}/${network}: ${summary}\n`);
      return 0;
    }
    const file = createWriteStream(output);
    try {
      const { summary } = await captureBridge(engine, bridge, seconds, file);
      file.end();
      await finished(file);
      process.stderr.write(`${lab}/${network}: ${summary}, written to ${output}\n`);
      return 0;
    } catch (error) {
      // No half-written capture left behind to be mistaken for a good one.
      file.destroy();
      await rm(output, { force: true });
      throw error;
    }
  },
};
