// The import rule of orchestrator/src (docs/development.md: Architecture): every folder (or top-level file) is
// a layer, and a file imports only from its own layer or the layers below it. The CLI, a front end
// beside the API, imports nothing of the API's.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importedModules, sourceFiles } from "./support/imports.ts";

const SRC = resolve(import.meta.dirname, "../src");

/** Bottom to top; the layers of one row do not import each other. */
const LAYERS: readonly (readonly string[])[] = [
  ["net", "paths.ts", "config.ts"],
  ["agent"],
  ["topology"],
  ["roles"],
  ["plan", "handout"],
  ["compose-import"],
  ["runtime"],
  ["labs"],
  ["store"],
  ["engines"],
  ["terminals"],
  ["classroom"],
  ["api"],
  ["service.ts"],
  ["cli"],
];

const rank = new Map(LAYERS.flatMap((row, i) => row.map((layer) => [layer, i] as const)));

/** The layer of a path relative to SRC: its first folder, or the file itself at the top. */
const layerOf = (path: string) => path.split("/")[0] as string;

interface Import {
  file: string;
  /** A path relative to orchestrator/src when `local`, else a package's name. */
  target: string;
  local: boolean;
}

/** Every import of orchestrator/src; local ones as paths relative to it. */
function allImports(): Import[] {
  return sourceFiles(SRC).flatMap((path) =>
    importedModules(readFileSync(path, "utf8")).map((module) => {
      const local = module.startsWith(".");
      const target = local ? relative(SRC, resolve(dirname(path), module)) : module;
      return { file: relative(SRC, path), target, local };
    }),
  );
}

describe("the import rule's parser", () => {
  it("finds static, type-only, re-exported, side-effect and dynamic imports", () => {
    const text = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      'import {\n  c,\n  d,\n} from "./multi-line.ts";',
      'export { e } from "./e.ts";',
      'import "./side-effect.ts";',
      'const f = await import("../f.ts");',
    ].join("\n");
    expect(importedModules(text)).toEqual([
      "./a.ts",
      "../b.ts",
      "./multi-line.ts",
      "./e.ts",
      "./side-effect.ts",
      "../f.ts",
    ]);
  });
});

describe("orchestrator/src", () => {
  const every = allImports();
  const imports = every.filter((i) => i.local);

  it("has every folder and top-level file in a layer", () => {
    const layers = new Set(sourceFiles(SRC).map((path) => layerOf(relative(SRC, path))));
    expect([...layers].filter((layer) => !rank.has(layer))).toEqual([]);
    // The rule below is checked against real imports, not an empty list.
    expect(imports.length).toBeGreaterThan(500);
  });

  it("imports only from the same layer or below", () => {
    const upward = imports.filter(({ file, target }) => {
      const from = layerOf(file);
      const to = layerOf(target);
      return from !== to && (rank.get(to) ?? Infinity) >= (rank.get(from) ?? -1);
    });
    expect(upward.map(({ file, target }) => `${file} -> ${target}`)).toEqual([]);
  });

  it("leaves HTTP to the API: only api/ imports Fastify", () => {
    const fastify = every.filter(
      ({ file, target, local }) =>
        !local && /^(fastify|@fastify\/)/.test(target) && layerOf(file) !== "api",
    );
    expect(fastify).toEqual([]);
  });

  it("reads the environment in config.ts, and Docker's own variables where engines connect", () => {
    const readers = sourceFiles(SRC)
      .filter((path) => readFileSync(path, "utf8").includes("process.env"))
      .map((path) => relative(SRC, path));
    expect(readers.sort()).toEqual(["config.ts", "engines/spec.ts", "runtime/engine.ts"]);
  });

  it("keeps the CLI off the API", () => {
    const cliToApi = imports.filter(
      ({ file, target }) => layerOf(file) === "cli" && layerOf(target) === "api",
    );
    expect(cliToApi).toEqual([]);
  });
});
