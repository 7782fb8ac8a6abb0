// The little of Markdown's structure the handout needs on the server: where code is (links in
// code are text), where the command-line asides are, positions as line and column. Rendering is
// the dashboard's (markdown-it); this never produces HTML.

/** A half-open range of character offsets. */
export interface Span {
  start: number;
  end: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/** Fenced code blocks and inline code spans, in order. */
export function codeSpans(markdown: string): Span[] {
  const spans: Span[] = [];
  let offset = 0;
  let fence: { marker: string; start: number } | null = null;
  let prose: Span | null = null;
  const flushProse = () => {
    if (prose) spans.push(...inlineCode(markdown, prose));
    prose = null;
  };
  for (const line of markdown.split("\n")) {
    const end = offset + line.length + 1;
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence.marker[0] && marker.length >= fence.marker.length) {
        spans.push({ start: fence.start, end: Math.min(end, markdown.length) });
        fence = null;
      }
    } else if (marker) {
      flushProse();
      fence = { marker, start: offset };
    } else {
      prose = prose ? { start: prose.start, end } : { start: offset, end };
      if (line.trim() === "") flushProse();
    }
    offset = end;
  }
  flushProse();
  // An unclosed fence runs to the end, as in CommonMark.
  if (fence) spans.push({ start: fence.start, end: markdown.length });
  return spans.sort((a, b) => a.start - b.start);
}

/** Inline code in a paragraph: a run of backticks up to the next run of the same length. */
function inlineCode(markdown: string, paragraph: Span): Span[] {
  const text = markdown.slice(paragraph.start, paragraph.end);
  const spans: Span[] = [];
  const run = /`+/g;
  let open: RegExpExecArray | null = run.exec(text);
  while (open) {
    const ticks = open[0].length;
    let close = run.exec(text);
    while (close && close[0].length !== ticks) close = run.exec(text);
    if (!close) {
      // An unmatched run is literal backticks: look for a code span after it.
      run.lastIndex = open.index + ticks;
      open = run.exec(text);
      continue;
    }
    spans.push({
      start: paragraph.start + open.index,
      end: paragraph.start + close.index + ticks,
    });
    open = run.exec(text);
  }
  return spans;
}

export function inSpans(spans: readonly Span[], offset: number): boolean {
  return spans.some((s) => offset >= s.start && offset < s.end);
}

/** 1-based line and column of an offset. */
export function position(markdown: string, offset: number): { line: number; col: number } {
  const before = markdown.slice(0, offset);
  const line = before.split("\n").length;
  return { line, col: offset - before.lastIndexOf("\n") };
}

/**
 * The command-line asides: blockquotes whose first line starts with `**Command line**`. A
 * dashboard-only student can skip them; everything else must speak to a browser user.
 */
export function asideSpans(markdown: string): Span[] {
  const spans: Span[] = [];
  let offset = 0;
  let aside: Span | null = null;
  let previousQuoted = false;
  for (const line of markdown.split("\n")) {
    const end = offset + line.length + 1;
    const quoted = /^ {0,3}>/.test(line);
    if (quoted && !previousQuoted && /^ {0,3}>\s*\*\*Command line\*\*/.test(line)) {
      aside = { start: offset, end };
    } else if (quoted && aside) {
      aside.end = end;
    } else if (!quoted && aside) {
      spans.push(aside);
      aside = null;
    }
    previousQuoted = quoted;
    offset = end;
  }
  if (aside) spans.push(aside);
  return spans;
}
