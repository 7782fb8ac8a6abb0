// What `socketlab --help` and `socketlab COMMAND --help` print.
import type { OptionSpecs } from "./args.ts";
import { COMMANDS, type Command, type CommandEntry } from "./commands/index.ts";
import { EXIT_STATUS_HELP } from "./exit-status.ts";

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.synopsis.length));
  const lines = COMMANDS.map((c) => `  socketlab ${c.synopsis.padEnd(width)}  ${c.summary}`);
  return `usage:\n${lines.join("\n")}

  socketlab COMMAND --help   a command's options and examples
  socketlab --version        socketlab's version

With a pool of engines (docs/operator.md: Engines), --engines FILE or SOCKETLAB_ENGINES: up places
a new lab, the other commands find the lab on whichever engine holds it.

${EXIT_STATUS_HELP}`;
}

export function commandHelp(entry: CommandEntry, command: Command): string {
  const options = optionLines(command.options);
  const examples = command.examples.map(([line, what]) => `  ${line}\n      ${what}`);
  return [
    `usage: socketlab ${entry.synopsis}\n\n${entry.summary}\n`,
    `options:\n${options.join("\n")}\n`,
    examples.length > 0 ? `examples:\n${examples.join("\n")}\n` : "",
  ].join("\n");
}

function optionLines(specs: OptionSpecs): string[] {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : ""}--${name}${spec.value ? ` ${spec.value}` : ""}`;
    const shown = spec.defaultHelp ?? (typeof spec.default === "string" ? spec.default : null);
    const fallback = shown === null ? "" : ` (default: ${shown})`;
    return [flag, `${spec.help}${fallback}`] as const;
  });
  rows.push(["-h, --help", "this help"]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}
