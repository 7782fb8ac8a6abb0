// The topology library: one folder per topology, `<dir>/<name>/topology.yaml`.
import { access, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadTopologyFile, loadTopologyText } from "../roles/load.ts";
import type { Diagnostic, LoadResult } from "../topology/load.ts";
import { ConflictError, InvalidInputError } from "./errors.ts";
import { LIBRARY_NAME } from "./library-name.ts";

export interface LibraryEntry {
  name: string;
  description: string | null;
  nodes: number;
  networks: number;
  /** Problems when the file does not load (an instructor should see them, not lose the entry). */
  diagnostics: Diagnostic[];
}

export class Library {
  readonly dir: string;
  constructor(dir: string) {
    this.dir = dir;
  }

  private file(name: string): string {
    return join(this.dir, name, "topology.yaml");
  }

  async list(): Promise<LibraryEntry[]> {
    let folders: string[];
    try {
      folders = (await readdir(this.dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory() && LIBRARY_NAME.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
    const entries = await Promise.all(
      folders.map(async (name) => [name, await this.load(name)] as const),
    );
    return entries
      .filter(([, loaded]) => loaded !== null)
      .map(([name, loaded]) =>
        loaded?.ok
          ? {
              name,
              description: loaded.topology.description || null,
              nodes: loaded.topology.nodes.length,
              networks: loaded.topology.networks.length,
              diagnostics: [],
            }
          : {
              name,
              description: null,
              nodes: 0,
              networks: 0,
              diagnostics: loaded?.diagnostics ?? [],
            },
      );
  }

  /** Loads a library topology; null when there is none by that name. */
  async load(name: string): Promise<LoadResult | null> {
    if (!LIBRARY_NAME.test(name)) return null;
    try {
      await access(this.file(name));
    } catch {
      return null;
    }
    return loadTopologyFile(this.file(name));
  }

  /**
   * Checks YAML text as if it were `<name>/topology.yaml`. An uploaded topology has no folder of
   * its own yet, so `source:` files cannot be read: they are reported.
   */
  validate(text: string, name = "upload"): Promise<LoadResult> {
    return loadTopologyText(text, `${name}/topology.yaml`, async (source) => ({
      ok: false,
      reason: `source '${source}' cannot be read from an upload; use content: instead`,
    }));
  }

  /**
   * Adds a topology named `name` (its YAML's own name) once it loads; an existing one is replaced
   * only with `overwrite`. Returns the YAML's problems: none when it was added.
   */
  async submit(name: string, text: string, overwrite: boolean): Promise<Diagnostic[]> {
    const loaded = await this.validate(text, name);
    if (!loaded.ok) return loaded.diagnostics;
    if (loaded.topology.name !== name) {
      throw new InvalidInputError(
        `the topology is named '${loaded.topology.name}', not '${name}'`,
        [
          {
            path: "body.name",
            message: `must match the topology's name '${loaded.topology.name}'`,
          },
        ],
      );
    }
    if (!(await this.add(name, text, overwrite))) {
      throw new ConflictError(
        "exists",
        `topology ${name} exists; send overwrite: true to replace it`,
      );
    }
    return [];
  }

  /** Writes a topology; refuses an existing one unless `overwrite`. Returns false if refused. */
  private async add(name: string, text: string, overwrite: boolean): Promise<boolean> {
    await mkdir(join(this.dir, name), { recursive: true });
    try {
      await writeFile(this.file(name), text, { flag: overwrite ? "w" : "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
    return true;
  }
}
