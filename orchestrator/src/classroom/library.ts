// The topology library: one folder per topology, `<dir>/<name>/topology.yaml`.
import { access, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadTopologyFile, loadTopologyText } from "../roles/load.ts";
import type { Diagnostic, LoadResult } from "../topology/load.ts";
import { ConflictError, InvalidInputError, notFound } from "./errors.ts";
import { checkFolder } from "./library-folder.ts";
import { LIBRARY_NAME } from "./library-name.ts";

export interface LibraryEntry {
  name: string;
  description: string | null;
  nodes: number;
  networks: number;
  /** Problems when the file does not load (an instructor should see them, not lose the entry). */
  diagnostics: Diagnostic[];
}

/** A library entry's files, for staff to read. */
export interface LibraryEntryView {
  name: string;
  yaml: string;
  handout: string | null;
  files: string[];
}

/** Where retired entries go: a dot folder, which no library name can be. */
const RETIRED = ".retired";

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

  /**
   * Adds a topology folder (an uploaded archive's files) once it loads, its handout included:
   * the YAML's problems, and nothing written, otherwise. It is written to a folder of its own
   * first and then moved in whole, so a failed write leaves no half entry; an entry it replaces
   * (`overwrite`) is retired, not deleted.
   */
  async addFolder(
    files: Map<string, Buffer>,
    overwrite: boolean,
  ): Promise<{ name: string; diagnostics: Diagnostic[] }> {
    const checked = await checkFolder(files);
    if (!checked.ok) return { name: "", diagnostics: checked.diagnostics };
    const { name } = checked.topology;
    if (!LIBRARY_NAME.test(name)) {
      throw new InvalidInputError(`'${name}' cannot name a library entry`, [
        {
          path: "archive:topology.yaml",
          message: "its name: at most 40 lowercase letters, digits and '-'",
        },
      ]);
    }
    const target = join(this.dir, name);
    const exists = await access(target).then(
      () => true,
      () => false,
    );
    if (exists && !overwrite) {
      throw new ConflictError(
        "exists",
        `topology ${name} exists; upload with overwrite to replace it`,
      );
    }
    await mkdir(this.dir, { recursive: true });
    const staging = await mkdtemp(join(this.dir, ".upload-"));
    try {
      for (const [path, data] of files) {
        await mkdir(dirname(join(staging, path)), { recursive: true });
        await writeFile(join(staging, path), data, { mode: 0o644 });
      }
      if (exists) await this.retire(name);
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return { name, diagnostics: [] };
  }

  /** The entry's YAML, handout and file list. */
  async show(name: string): Promise<LibraryEntryView> {
    if ((await this.load(name)) === null) throw notFound(`topology ${name}`);
    const folder = join(this.dir, name);
    const files = (await readdir(folder, { recursive: true, withFileTypes: true }))
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name).slice(folder.length + 1))
      .sort();
    const handout = await readFile(join(folder, "README.md"), "utf8").catch(() => null);
    return { name, yaml: await readFile(this.file(name), "utf8"), handout, files };
  }

  /**
   * Takes an entry out of the library: its folder moves under `.retired/` (kept, out of every
   * listing). Labs made from it keep running.
   */
  async retire(name: string): Promise<void> {
    if ((await this.load(name)) === null) throw notFound(`topology ${name}`);
    await mkdir(join(this.dir, RETIRED), { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    await rename(join(this.dir, name), join(this.dir, RETIRED, `${name}-${stamp}`));
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
