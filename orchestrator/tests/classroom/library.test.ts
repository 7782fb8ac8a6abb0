// Adding to the topology library: only YAML that loads, under its own name, and an existing
// topology only when asked to replace it.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConflictError, InvalidInputError } from "../../src/classroom/errors.ts";
import { Library } from "../../src/classroom/library.ts";
import { LIBRARY_NAME } from "../../src/classroom/library-name.ts";
import { REPO_ROOT } from "../../src/paths.ts";

let dir: string;
let library: Library;
let yaml: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-library-"));
  library = new Library(dir);
  yaml = await readFile(join(REPO_ROOT, "tests/fixtures/three-nodes.yaml"), "utf8");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("submitting a topology to the library", () => {
  it("adds YAML that loads, and replaces it only with overwrite", async () => {
    expect(await library.submit("three-nodes", yaml, false)).toEqual([]);
    expect(await readFile(join(dir, "three-nodes/topology.yaml"), "utf8")).toBe(yaml);
    const again = library.submit("three-nodes", yaml, false);
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ code: "exists" });
    const changed = yaml.replace("name: three-nodes", "name: three-nodes\ndescription: again");
    expect(await library.submit("three-nodes", changed, true)).toEqual([]);
    expect(await readFile(join(dir, "three-nodes/topology.yaml"), "utf8")).toBe(changed);
  });

  it("refuses a name other than the YAML's own, naming the field", async () => {
    const refused = library.submit("other", yaml, false);
    await expect(refused).rejects.toBeInstanceOf(InvalidInputError);
    await expect(refused).rejects.toMatchObject({
      fields: [{ path: "body.name", message: "must match the topology's name 'three-nodes'" }],
    });
    expect(await library.list()).toEqual([]);
  });

  it("gives the problems of YAML that does not load, and writes nothing", async () => {
    const diagnostics = await library.submit("three-nodes", `${yaml}\nbogus: 1\n`, false);
    expect(diagnostics.map((d) => d.message)).toContain("unknown field 'bogus'");
    expect(await library.list()).toEqual([]);
  });
});

describe("a library name", () => {
  it("is a folder name that cannot leave the library", () => {
    for (const name of ["a", "dns-basics", "3-nodes", "a".repeat(40)]) {
      expect(LIBRARY_NAME.test(name), name).toBe(true);
    }
    for (const name of ["", "-a", "a-", "A", "a_b", "a.b", "../evil", "a/b", "a".repeat(41)]) {
      expect(LIBRARY_NAME.test(name), name).toBe(false);
    }
  });
});
