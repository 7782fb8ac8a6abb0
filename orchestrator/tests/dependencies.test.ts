// package.json's dependencies: the service's own are exactly what orchestrator/src imports (the
// service image installs those alone, so that browser-only packages stay out of it), and every
// development dependency is used by the dashboard's build, the tests, the benchmarks or a tool.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.ts";
import { importedModules, sourceFiles } from "./support/imports.ts";

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The package a specifier names (`@scope/name/sub` -> `@scope/name`); null for local files. */
function packageOf(specifier: string): string | null {
  const match = /^((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)(?:\/.*)?$/.exec(specifier);
  return match && !specifier.startsWith(".") ? (match[1] as string) : null;
}

/** A file's text without its type-only imports, which leave nothing to load at run time. */
const withoutTypeImports = (text: string) => text.replace(/^import type [^;]+;$/gm, "");

/** The packages the .ts files under `folders` import; with `types`, type-only imports too. */
function packagesImportedBy(folders: string[], types = false): Set<string> {
  const files = folders.flatMap((folder) =>
    sourceFiles(join(REPO_ROOT, folder), ["node_modules", "dist"]),
  );
  return new Set(
    files.flatMap((file) => {
      const text = readFileSync(file, "utf8");
      return importedModules(types ? text : withoutTypeImports(text))
        .map(packageOf)
        .filter((name): name is string => name !== null);
    }),
  );
}

/** Named by a string rather than imported: pino loads its pretty-printer as a transport. */
const LOADED_BY_NAME = ["pino-pretty"];

/** Run by their commands (npm scripts, scripts/test.sh) or always in use (Node's types). */
const TOOLS = ["@biomejs/biome", "typescript", "@types/node"];

describe("package.json", () => {
  it("makes the service's dependencies exactly what orchestrator/src imports", () => {
    const imported = [...packagesImportedBy(["orchestrator/src"]), ...LOADED_BY_NAME];
    expect(Object.keys(manifest.dependencies).sort()).toEqual([...new Set(imported)].sort());
  });

  it("keeps browser-only packages out of the service's dependencies", () => {
    const service = packagesImportedBy(["orchestrator/src"]);
    const browserOnly = [...packagesImportedBy(["dashboard"])].filter((name) => !service.has(name));
    expect(browserOnly).toContain("@xterm/xterm");
    expect(browserOnly.filter((name) => name in manifest.dependencies)).toEqual([]);
  });

  it("uses every development dependency", () => {
    const used = packagesImportedBy([
      "dashboard",
      "orchestrator/tests",
      "tests",
      "bench",
      "support",
    ]);
    for (const name of importedModules(readFileSync(join(REPO_ROOT, "vitest.config.ts"), "utf8")))
      used.add(packageOf(name) ?? name);
    // Types are for packages used anywhere, the service's too, and type-only imports count.
    const imported = packagesImportedBy(
      ["dashboard", "orchestrator", "tests", "bench", "support"],
      true,
    );
    const typed = (name: string) => name.startsWith("@types/") && imported.has(name.slice(7));
    const unused = Object.keys(manifest.devDependencies).filter(
      (name) => !used.has(name) && !TOOLS.includes(name) && !typed(name),
    );
    expect(unused).toEqual([]);
  });
});
