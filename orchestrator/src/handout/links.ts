// The handout's links to the product: `[attacker](node:attacker)` opens a terminal on a node,
// `[Check my work](check:)` runs the lab's checks and `[delegation](check:delegation)` names one
// check. Front ends render them: the dashboard as buttons, the CLI as its matching commands.
import type { Diagnostic } from "../topology/diagnostics.ts";
import type { Topology } from "../topology/model.ts";
import { codeSpans, inSpans, position } from "./markdown.ts";

export interface HandoutLink {
  kind: "node" | "check";
  /** The node's name; for `check:` the check's id, or "" for every check. */
  target: string;
  text: string;
  /** Offsets of the whole `[text](kind:target)` in the text. */
  start: number;
  end: number;
}

// Link text may run over a line break, as in any Markdown paragraph.
const LINK = /\[([^\]]*)\]\((node|check):([^)\s]*)\)/g;

/** Every product link of the handout, in order; links written inside code are text. */
export function handoutLinks(markdown: string): HandoutLink[] {
  const code = codeSpans(markdown);
  const links: HandoutLink[] = [];
  for (const match of markdown.matchAll(LINK)) {
    if (inSpans(code, match.index)) continue;
    links.push({
      kind: match[2] as HandoutLink["kind"],
      target: match[3] as string,
      text: match[1] as string,
      start: match.index,
      end: match.index + match[0].length,
    });
  }
  return links;
}

/** Links to nodes or checks the topology does not have, each at its line and column. */
export function linkProblems(markdown: string, file: string, topology: Topology): Diagnostic[] {
  const nodes = new Set(topology.nodes.map((n) => n.name));
  const checks = new Set(topology.checks.map((c) => c.id));
  const problems: Diagnostic[] = [];
  for (const link of handoutLinks(markdown)) {
    const known = link.kind === "node" ? nodes : checks;
    if (link.kind === "check" && link.target === "") continue;
    if (known.has(link.target)) continue;
    const what = link.kind === "node" ? "node" : "check";
    const names = [...known].sort();
    const message =
      link.target === ""
        ? `a ${what} link must name a ${what}: ${link.kind}:NAME`
        : `no ${what} '${link.target}' in topology ${topology.name}${names.length > 0 ? ` (${what}s: ${names.join(", ")})` : ""}`;
    problems.push({ file, ...position(markdown, link.start), field: `${link.kind}:`, message });
  }
  return problems;
}

/** The handout with each product link replaced by what `render` makes of it. */
export function replaceLinks(markdown: string, render: (link: HandoutLink) => string): string {
  let out = "";
  let last = 0;
  for (const link of handoutLinks(markdown)) {
    out += markdown.slice(last, link.start) + render(link);
    last = link.end;
  }
  return out + markdown.slice(last);
}
