import { parseDuration } from "../../config.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { ensureImages } from "../../runtime/images/build.ts";
import { type OptionSpecs, parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

const options = {
  force: {
    type: "boolean",
    default: false,
    help: "build every image again, without Docker's layer cache",
  },
  "max-age": {
    type: "string",
    value: "DURATION",
    help: "rebuild them all from a new Debian root file system when the one they stand on is older (24h, 7d)",
  },
} as const satisfies OptionSpecs;

export const images: Command = {
  options,
  examples: [
    [
      "socketlab images build",
      "build what is missing or changed (quick when every image is current)",
    ],
    ["socketlab images build --max-age 24h", "and start from today's Debian packages once a day"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["build"]);
    if (positionals[0] !== "build")
      throw new UsageError(`unknown images action '${positionals[0]}'`);
    const maxAge = values["max-age"];
    const maxAgeMs = maxAge === undefined ? undefined : parseDuration(maxAge);
    if (maxAgeMs === null)
      throw new UsageError(`--max-age: '${maxAge}' is not a duration like 90s, 30m, 24h or 2d`);
    const engine = await connectEngine();
    await ensureImages(engine, {
      log: (line) => process.stderr.write(`${line}\n`),
      force: values.force,
      ...(maxAgeMs === undefined ? {} : { maxAgeMs }),
    });
    return 0;
  },
};
