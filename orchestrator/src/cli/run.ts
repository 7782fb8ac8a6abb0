// socketlab: runs the command named on the command line.
import { LabRequestError } from "../labs/lifecycle.ts";
import { EngineUnavailableError, errorMessage } from "../runtime/engine.ts";
import { UsageError } from "./args.ts";
import { COMMANDS, usage } from "./commands/index.ts";

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
  if (error instanceof UsageError) {
    process.stderr.write(`socketlab: ${error.message}\n\n${usage()}`);
    process.exitCode = 2;
  } else if (error instanceof LabRequestError || error instanceof EngineUnavailableError) {
    process.stderr.write(`socketlab: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`socketlab: ${errorMessage(error)}\n`);
    if (process.env.SOCKETLAB_DEBUG) console.error(error);
    process.exitCode = 1;
  }
}
