import { parseDuration } from "../../config.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { ensureImages } from "../../runtime/images/build.ts";
import { parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

export const images: Command = {
  name: "images",
  synopsis: "images build [--force] [--max-age DURATION]",
  summary:
    "build the images of images/ that are missing or changed; --max-age 24h rebuilds them all from a new Debian root file system when the one they stand on is older",
  async run(args) {
    const { positionals, values } = parse(
      args,
      { force: { type: "boolean", default: false }, "max-age": { type: "string" } },
      ["build"],
    );
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
