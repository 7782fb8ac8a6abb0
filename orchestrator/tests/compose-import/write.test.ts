import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FolderExistsError, writeFolder } from "../../src/compose-import/write.ts";
import { scratch } from "./scratch.ts";

const files = new Map([
  ["topology.yaml", Buffer.from("name: x\n")],
  ["img/zone", Buffer.from("zone\n")],
]);

describe("writeFolder", () => {
  it("writes every file, creating folders, into a new or empty folder", async () => {
    const root = await scratch("sl-write-");
    await writeFolder(join(root, "new", "lab"), files);
    expect(await readFile(join(root, "new", "lab", "img", "zone"), "utf8")).toBe("zone\n");
    await mkdir(join(root, "empty"));
    await writeFolder(join(root, "empty"), files);
    expect((await readdir(join(root, "empty"))).sort()).toEqual(["img", "topology.yaml"]);
    expect(await readdir(root)).not.toContainEqual(expect.stringContaining(".importing-"));
  });

  it("never writes into a folder that holds something", async () => {
    const root = await scratch("sl-write-");
    await writeFile(join(root, "mine.txt"), "mine");
    await expect(writeFolder(root, files)).rejects.toBeInstanceOf(FolderExistsError);
    expect(await readdir(root)).toEqual(["mine.txt"]);
  });
});
