import { Library } from "../../classroom/library.ts";
import { libraryHandout } from "../../handout/library.ts";
import type { HandoutLink } from "../../handout/links.ts";
import { replaceLinks } from "../../handout/links.ts";
import { labStatus } from "../../labs/status.ts";
import { TOPOLOGIES_DIR } from "../../paths.ts";
import { type OptionSpecs, parse } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

const options = {
  library: {
    type: "string",
    default: TOPOLOGIES_DIR,
    defaultHelp: "the repository's topologies/",
    value: "DIR",
    help: "the topology library the lab's handout is in",
  },
  ...enginesOption,
} as const satisfies OptionSpecs;

export const handout: Command = {
  options,
  examples: [
    ["socketlab handout ada-dns", "lab ada-dns's handout, with its own subnets and addresses"],
  ],
  async run(args) {
    const { positionals, values } = parse(args, options, ["ID"]);
    const lab = positionals[0] as string;
    const target = await labTarget(lab, poolFile(values.engines));
    const status = await labStatus(target.engine, lab);
    if (!status) {
      process.stderr.write(`socketlab: no lab '${lab}'\n`);
      return 1;
    }
    const library = new Library(values.library);
    const { markdown } = await libraryHandout(library, status.topology, status.networks);
    if (markdown === null) {
      process.stderr.write(`socketlab: topology ${status.topology} has no handout\n`);
      return 1;
    }
    process.stdout.write(handoutForShell(markdown, lab));
    return 0;
  },
};

/** Each of the handout's links as the command that does the same from a shell. */
export function handoutForShell(markdown: string, lab: string): string {
  const command = (link: HandoutLink) =>
    link.kind === "node" ? `socketlab exec ${lab} ${link.target}` : `socketlab check ${lab}`;
  const text = replaceLinks(markdown, (link) => `${link.text} (\`${command(link)}\`)`);
  return text.endsWith("\n") ? text : `${text}\n`;
}
