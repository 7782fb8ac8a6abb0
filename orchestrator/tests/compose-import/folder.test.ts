import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskFolder, insideFolder, memoryFolder } from "../../src/compose-import/folder.ts";
import { scratch } from "./scratch.ts";

describe("insideFolder", () => {
  it("normalises paths inside the folder and refuses those leading out", () => {
    expect(insideFolder("./volumes/")).toBe("volumes");
    expect(insideFolder(".")).toBe("");
    expect(insideFolder("a/../b")).toBe("b");
    expect(insideFolder("named.conf", "image_dns")).toBe("image_dns/named.conf");
    expect(insideFolder("../x", "image_dns")).toBe("x");
    expect(insideFolder("..")).toBeNull();
    expect(insideFolder("../secret")).toBeNull();
    expect(insideFolder("a/../../b")).toBeNull();
    expect(insideFolder("/etc/passwd")).toBeNull();
    expect(insideFolder("~/x")).toBeNull();
  });
});

describe("a folder on disk", () => {
  async function setup() {
    const root = await scratch("sl-import-");
    const labsetup = join(root, "Labsetup");
    await mkdir(join(labsetup, "volumes", "sub"), { recursive: true });
    await writeFile(join(labsetup, "volumes", "b.txt"), "b");
    await writeFile(join(labsetup, "volumes", "sub", "a.txt"), "a");
    await writeFile(join(root, "secret"), "secret");
    return { root, labsetup };
  }

  it("lists a folder's files, reads them, and tells files from folders", async () => {
    const { labsetup } = await setup();
    const folder = diskFolder(labsetup);
    expect(await folder.list("volumes")).toEqual({
      ok: true,
      files: ["volumes/b.txt", "volumes/sub/a.txt"],
    });
    expect(await folder.kind("volumes")).toBe("folder");
    expect(await folder.kind("volumes/b.txt")).toBe("file");
    expect(await folder.kind("nothing")).toBe("missing");
    const read = await folder.read("volumes/sub/a.txt");
    expect(read.ok && read.data.toString()).toBe("a");
  });

  it("refuses what leads outside through a symlink", async () => {
    const { root, labsetup } = await setup();
    await symlink(join(root, "secret"), join(labsetup, "volumes", "link"));
    await symlink(root, join(labsetup, "up"));
    const folder = diskFolder(labsetup);
    const read = await folder.read("volumes/link");
    expect(read).toEqual({
      ok: false,
      reason: "source 'volumes/link' leads outside the topology's folder through a symlink",
    });
    expect(await folder.list("up")).toEqual({
      ok: false,
      reason: "'up' leads outside the set-up's folder",
    });
  });

  it("stops listing past the number of files an import takes", async () => {
    const { labsetup } = await setup();
    await mkdir(join(labsetup, "many"));
    await Promise.all(
      Array.from({ length: 201 }, (_, i) => writeFile(join(labsetup, "many", `f${i}`), "")),
    );
    expect(await diskFolder(labsetup).list("many")).toEqual({
      ok: false,
      reason: "'many' holds more than 200 files, more than an import brings along",
    });
  });
});

describe("a folder sent over the API", () => {
  it("holds only paths inside it, and refuses files above 1 MiB", async () => {
    const folder = memoryFolder(
      new Map([
        ["./a/b.txt", Buffer.from("b")],
        ["../escape", Buffer.from("x")],
        ["/abs", Buffer.from("x")],
        ["big", Buffer.alloc(1024 * 1024 + 1)],
      ]),
    );
    expect(await folder.list("")).toEqual({ ok: true, files: ["a/b.txt", "big"] });
    expect(await folder.kind("a")).toBe("folder");
    expect(await folder.read("../escape")).toEqual({
      ok: false,
      reason: "'../escape' is not among the files sent",
    });
    expect(await folder.read("big")).toEqual({ ok: false, reason: "'big' is larger than 1 MiB" });
  });
});
