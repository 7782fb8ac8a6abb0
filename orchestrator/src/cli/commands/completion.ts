// Shell completion: commands, then each command's options (files elsewhere). The script is made
// from the commands' own option lists, so it cannot fall behind them; making it loads every
// command's module (about a second), so write it to a file once rather than at every shell start.
import type { OptionSpecs } from "../args.ts";
import { parse, UsageError } from "../args.ts";
import type { Command } from "./index.ts";
import { COMMANDS, type CommandEntry } from "./index.ts";

const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

export const completion: Command = {
  options: {},
  examples: [
    [
      "socketlab completion bash > ~/.local/share/bash-completion/completions/socketlab",
      "completion in every new bash (the bash-completion package loads it)",
    ],
    ["socketlab completion fish > ~/.config/fish/completions/socketlab.fish", "the same for fish"],
    ["socketlab completion zsh > ~/.socketlab-completion.zsh", "for zsh: source it from ~/.zshrc"],
  ],
  async run(args) {
    const { positionals } = parse(args, {}, ["SHELL"]);
    const shell = positionals[0] as Shell;
    if (!SHELLS.includes(shell)) {
      throw new UsageError(`completion is for ${SHELLS.join(", ")}, not '${shell}'`);
    }
    const commands = await Promise.all(
      COMMANDS.map(async (entry) => ({ entry, options: (await entry.load()).options })),
    );
    process.stdout.write(SCRIPTS[shell](commands));
    return 0;
  },
};

interface Completed {
  entry: CommandEntry;
  options: OptionSpecs;
}

const flags = (options: OptionSpecs) => [...Object.keys(options).map((o) => `--${o}`), "--help"];

const SCRIPTS: Record<Shell, (commands: Completed[]) => string> = {
  bash,
  // zsh runs bash's completion functions through its bashcompinit.
  zsh: (commands) => `autoload -U +X bashcompinit && bashcompinit\n${bash(commands)}`,
  fish,
};

function bash(commands: Completed[]): string {
  const cases = commands.map(
    ({ entry, options }) => `    ${entry.name}) options="${flags(options).join(" ")}" ;;`,
  );
  return `# socketlab completion for bash (socketlab completion bash)
_socketlab() {
  local current=\${COMP_WORDS[COMP_CWORD]} options=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.entry.name).join(" ")} --help --version" -- "$current"))
    return
  fi
  case \${COMP_WORDS[1]} in
${cases.join("\n")}
  esac
  if [[ $current == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$current"))
  else
    COMPREPLY=($(compgen -f -- "$current"))
  fi
}
complete -o filenames -F _socketlab socketlab ./socketlab
`;
}

function fish(commands: Completed[]): string {
  const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const lines = commands.flatMap(({ entry, options }) => [
    `complete -c socketlab -f -n __fish_use_subcommand -a ${entry.name} -d ${quote(entry.summary)}`,
    ...Object.entries(options).map(
      ([name, spec]) =>
        `complete -c socketlab -n '__fish_seen_subcommand_from ${entry.name}' -l ${name}${spec.short ? ` -s ${spec.short}` : ""}${spec.type === "string" ? " -r" : ""} -d ${quote(spec.help)}`,
    ),
  ]);
  return `# socketlab completion for fish (socketlab completion fish)\n${lines.join("\n")}\n`;
}
