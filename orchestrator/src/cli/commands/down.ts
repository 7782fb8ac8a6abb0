import { downLab } from "../../labs/lifecycle.ts";
import { connectEngine } from "../../runtime/engine.ts";
import { parse } from "../args.ts";
import type { Command } from "./index.ts";

export const down: Command = {
  name: "down",
  synopsis: "down ID",
  summary: "remove a lab: its containers, networks and host rules",
  async run(args) {
    const { positionals } = parse(args, {}, ["ID"]);
    await downLab(await connectEngine(), positionals[0] as string);
    process.stdout.write(`lab ${positionals[0]}: down\n`);
    return 0;
  },
};
