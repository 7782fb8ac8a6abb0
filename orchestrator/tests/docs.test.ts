// The documentation holds together: its links between pages lead somewhere, and the operator's
// page lists every setting: each environment variable the code reads or
// docker-compose.yml passes on has its row in docs/operator.md's configuration table.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { sourceFiles } from "./support/imports.ts";

const SETTING = /\b(?:SOCKETLAB_[A-Z_]*[A-Z]|LOG_LEVEL|DOCKER_HOST|SSH_AUTH_SOCK)\b/g;

/** Names of that form that are no setting. */
const NOT_SETTINGS = new Set([
  "SOCKETLAB_TERMINAL", // the marker a terminal's shell and its children carry
  "SOCKETLAB_STALE_ENDPOINT", // a warning's code
  "SOCKETLAB_AGENT", // the start of the agent's variables' names
]);

/** The settings a text names; prefixes such as `SOCKETLAB_LABS_PER_*` are not settings. */
function settingsIn(text: string): string[] {
  return [...text.matchAll(SETTING)]
    .map((m) => m[0])
    .filter((name) => !name.endsWith("_PER") && !NOT_SETTINGS.has(name));
}

describe("docs/operator.md", () => {
  const table = readFileSync(join(REPO_ROOT, "docs/operator.md"), "utf8")
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .map((line) => /^\| `([^`]+)`/.exec(line)?.[1]);

  it("has a row for every setting the code reads and docker-compose.yml passes on", () => {
    const read = new Set([
      ...sourceFiles(join(REPO_ROOT, "orchestrator/src")).flatMap((file) =>
        settingsIn(readFileSync(file, "utf8")),
      ),
      ...settingsIn(readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8")),
    ]);
    expect([...read].filter((name) => !table.includes(name)).sort()).toEqual([]);
  });
});

describe("the documentation's links", () => {
  const pages = [
    "README.md",
    ...readdirSync(join(REPO_ROOT, "docs"), { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(".md"))
      .map((name) => join("docs", name)),
  ];

  it.each(pages)("%s links only to files that exist", (page) => {
    // Links outside code blocks, to files of the repository (not to the web, nor to anchors).
    const text = readFileSync(join(REPO_ROOT, page), "utf8").replaceAll(/```[\s\S]*?```/g, "");
    const targets = [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
      .map((m) => m[1] as string)
      .filter((target) => !/^[a-z]+:/.test(target));
    const missing = targets.filter((t) => !existsSync(join(REPO_ROOT, dirname(page), t)));
    expect(missing).toEqual([]);
  });
});
