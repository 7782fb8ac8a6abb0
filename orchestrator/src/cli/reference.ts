// The command line's reference page (docs/reference/cli.md), made from what `--help` prints, so
// that the page and the commands cannot disagree (a test regenerates it).
//
//   node orchestrator/src/cli/reference.ts > docs/reference/cli.md      (npm run docs)
import { COMMANDS } from "./commands/index.ts";
import { EXIT_STATUS_HELP } from "./exit-status.ts";
import { commandHelp } from "./help.ts";

export async function cliReference(): Promise<string> {
  const sections = await Promise.all(
    COMMANDS.map(async (entry) => {
      const help = commandHelp(entry, await entry.load());
      return `## \`socketlab ${entry.name}\`\n\n\`\`\`text\n${help.trimEnd()}\n\`\`\``;
    }),
  );
  return `# Command-line reference

<!-- Made by \`npm run docs\` from the commands' own --help; a test fails when it is stale. -->

\`./socketlab\` in a clone of the repository (or \`socketlab\` in the service's image). Each
command answers \`--help\` with what is below.

\`\`\`text
${EXIT_STATUS_HELP.trimEnd()}
\`\`\`

${sections.join("\n\n")}
`;
}

if (import.meta.main) process.stdout.write(await cliReference());
