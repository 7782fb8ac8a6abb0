// socketlab: runs the command named on the command line.
import { debugging } from "../config.ts";
import { UsageError } from "./args.ts";
import { COMMANDS, usage } from "./commands/index.ts";
import { describeFailure } from "./failure.ts";

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command '${name}'`);
  return command.run(args);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const failure = describeFailure(error);
  process.stderr.write(`socketlab: ${failure.message}\n`);
  if (failure.hint) process.stderr.write(`hint: ${failure.hint}\n`);
  if (error instanceof UsageError) process.stderr.write(`\n${usage()}`);
  if (failure.unexpected && debugging()) console.error(error);
  process.exitCode = failure.status;
}
