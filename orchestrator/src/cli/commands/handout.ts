import { Library } from "../../api/services/library.ts";
import { libraryHandout } from "../../handout/library.ts";
import type { HandoutLink } from "../../handout/links.ts";
import { replaceLinks } from "../../handout/links.ts";
import { labStatus } from "../../labs/status.ts";
import { TOPOLOGIES_DIR } from "../../paths.ts";
import { parse } from "../args.ts";
import { enginesOption, labTarget, poolFile } from "../target.ts";
import type { Command } from "./index.ts";

export const handout: Command = {
  name: "handout",
  synopsis: "handout ID [--library DIR]",
  summary: "the lab's handout with the lab's own addresses (plain text)",
  async run(args) {
    const { positionals, values } = parse(
      args,
      { library: { type: "string", default: TOPOLOGIES_DIR }, ...enginesOption },
      ["ID"],
    );
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
