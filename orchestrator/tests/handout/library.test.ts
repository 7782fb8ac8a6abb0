// Every handout of the library speaks to a student who has only the dashboard: terminals and
// checks through its links, the command line only in asides, every link sound, every check
// reachable from a task.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { handoutProblems } from "../../src/handout/check.ts";
import { handoutLinks } from "../../src/handout/links.ts";
import { asideSpans, inSpans, position } from "../../src/handout/markdown.ts";
import { handoutTasks } from "../../src/handout/tasks.ts";
import { TOPOLOGIES_DIR } from "../../src/paths.ts";
import { formatDiagnostic } from "../../src/topology/diagnostics.ts";
import { loadTopologyFile } from "../../src/topology/load.ts";

const labs = readdirSync(TOPOLOGIES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** Where `./socketlab` (or a socketlab command) is named outside a command-line aside. */
function commandLineOutsideAsides(markdown: string): string[] {
  const asides = asideSpans(markdown);
  const found: string[] = [];
  for (const match of markdown.matchAll(
    /\.\/socketlab\b|\bsocketlab (?:exec|check|status|up|down|reset|capture|ls|handout)\b/g,
  )) {
    if (inSpans(asides, match.index)) continue;
    const { line, col } = position(markdown, match.index);
    found.push(`${line}:${col}: ${match[0]}`);
  }
  return found;
}

describe("commandLineOutsideAsides", () => {
  it("finds the CLI named in the text, not in an aside", () => {
    const text =
      "Run `./socketlab exec lab a`.\n\n> **Command line**: `./socketlab check lab`\n\nsocketlab check lab";
    expect(commandLineOutsideAsides(text)).toEqual(["1:6: ./socketlab", "5:1: socketlab check"]);
  });
});

describe.each(labs)("the handout of %s", (name) => {
  const folder = join(TOPOLOGIES_DIR, name);
  const markdown = readFileSync(join(folder, "README.md"), "utf8");

  it("names the command line only in asides", () => {
    expect(commandLineOutsideAsides(markdown)).toEqual([]);
  });

  it("links only to nodes and checks of its topology", async () => {
    const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
    if (!loaded.ok) throw new Error(`${name} does not load`);
    expect(
      (await handoutProblems(join(folder, "topology.yaml"), loaded.topology)).map(formatDiagnostic),
    ).toEqual([]);
  });

  it("opens terminals through its links", () => {
    expect(handoutLinks(markdown).filter((l) => l.kind === "node").length).toBeGreaterThan(0);
  });

  it("shows every check of its topology beside a task, and offers to run them", async () => {
    const loaded = await loadTopologyFile(join(folder, "topology.yaml"));
    if (!loaded.ok) throw new Error(`${name} does not load`);
    const inTasks = new Set(handoutTasks(markdown).flatMap((t) => t.checks));
    expect(loaded.topology.checks.map((c) => c.id).filter((id) => !inTasks.has(id))).toEqual([]);
    if (loaded.topology.checks.length > 0) {
      expect(handoutLinks(markdown).some((l) => l.kind === "check" && l.target === "")).toBe(true);
    }
  });
});
