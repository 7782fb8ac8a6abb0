import { connectEngine } from "../../runtime/engine.ts";
import { ensureImages } from "../../runtime/images/build.ts";
import { parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";

export const images: Command = {
  name: "images",
  synopsis: "images build [--force]",
  summary: "build the images of images/ that are missing or changed",
  async run(args) {
    const { positionals, values } = parse(args, { force: { type: "boolean", default: false } }, [
      "build",
    ]);
    if (positionals[0] !== "build")
      throw new UsageError(`unknown images action '${positionals[0]}'`);
    const engine = await connectEngine();
    await ensureImages(engine, {
      log: (line) => process.stderr.write(`${line}\n`),
      force: values.force,
    });
    return 0;
  },
};
