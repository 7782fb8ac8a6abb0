// What TypeScript files import, read from their text: for the tests of the import rule
// (architecture.test.ts), of package.json's dependencies (dependencies.test.ts) and of the settings
// the docs list (docs.test.ts).
import { readdirSync } from "node:fs";
import { join } from "node:path";

/** Every .ts file under `dir`, but under no folder named in `skip`. */
export function sourceFiles(dir: string, skip: readonly string[] = []): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skip.includes(entry.name) ? [] : sourceFiles(path, skip);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a file names: static imports and re-exports, and dynamic `import()`. */
export function importedModules(text: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)"([^"]+)"/gm;
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}
