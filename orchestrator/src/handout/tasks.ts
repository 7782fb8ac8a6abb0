// The handout's tasks: the numbered list under its `## Tasks` heading. A task's checks are the
// `check:ID` links written in it, so the dashboard can show each task's state beside it.
import { handoutLinks } from "./links.ts";
import { codeSpans, inSpans } from "./markdown.ts";

export interface HandoutTask {
  /** As numbered in the handout. */
  number: number;
  /** Its bold lead (`**Look.**`), else its first words. */
  title: string;
  /** Ids of the checks it links to, in order, each once. */
  checks: string[];
}

const TITLE_MAX = 80;

export function handoutTasks(markdown: string): HandoutTask[] {
  const section = tasksSection(markdown);
  if (!section) return [];
  const code = codeSpans(markdown);
  const items: { number: number; start: number; lead: string }[] = [];
  const item = /^(\d{1,3})[.)] +(.*)$/gm;
  for (const match of section.text.matchAll(item)) {
    const start = section.start + match.index;
    if (inSpans(code, start)) continue;
    items.push({ number: Number(match[1]), start, lead: match[2] as string });
  }
  const links = handoutLinks(markdown);
  return items.map((task, i) => {
    const end = items[i + 1]?.start ?? section.start + section.text.length;
    const checks = links
      .filter(
        (l) => l.kind === "check" && l.target !== "" && l.start >= task.start && l.start < end,
      )
      .map((l) => l.target);
    return { number: task.number, title: title(task.lead), checks: [...new Set(checks)] };
  });
}

/** From the `## Tasks` heading to the next heading of its level or above. */
function tasksSection(markdown: string): { start: number; text: string } | null {
  const heading = /^## +Tasks\b.*$/m.exec(markdown);
  if (!heading) return null;
  const start = heading.index + heading[0].length;
  const next = /^#{1,2} /m.exec(markdown.slice(start));
  return { start, text: markdown.slice(start, next ? start + next.index : undefined) };
}

function title(lead: string): string {
  const bold = /^\*\*(.+?)\*\*/.exec(lead);
  const text = (bold ? bold[1] : lead) as string;
  const plain = text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_]/g, "")
    .replace(/[.:]$/, "")
    .trim();
  return plain.length > TITLE_MAX ? `${plain.slice(0, TITLE_MAX - 1)}…` : plain;
}
