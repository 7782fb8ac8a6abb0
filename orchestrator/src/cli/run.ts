// socketlab: runs the command named on the command line. Only what that command needs is loaded.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "../paths.ts";
import { UsageError } from "./args.ts";
import { type CommandEntry, findCommand } from "./commands/index.ts";
import { commandHelp, usage } from "./help.ts";

/** The command being run, for a usage error's help. */
let current: CommandEntry | undefined;

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (name === "--version" || name === "-V") {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8"));
    process.stdout.write(`socketlab ${version}\n`);
    return 0;
  }
  const entry = findCommand(name);
  if (!entry) throw new UsageError(`unknown command '${name}'`);
  current = entry;
  const command = await entry.load();
  // What follows `--` is the node's command line (exec), never socketlab's.
  const own = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  if (own.includes("--help") || own.includes("-h")) {
    process.stdout.write(commandHelp(entry, command));
    return 0;
  }
  return command.run(args);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Loaded only now: it knows every error class of the core, which a command that succeeds
  // need not load.
  const [{ describeFailure }, { debugging }] = await Promise.all([
    import("./failure.ts"),
    import("../config.ts"),
  ]);
  const failure = describeFailure(error);
  process.stderr.write(`socketlab: ${failure.message}\n`);
  if (failure.hint) process.stderr.write(`hint: ${failure.hint}\n`);
  if (error instanceof UsageError) {
    process.stderr.write(
      current
        ? `usage: socketlab ${current.synopsis}   (socketlab ${current.name} --help: its options)\n`
        : `\n${usage()}`,
    );
  }
  if (failure.unexpected && debugging()) console.error(error);
  process.exitCode = failure.status;
}
