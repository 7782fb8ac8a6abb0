import { describe, expect, it } from "vitest";
import { MAX_ARCHIVE_BYTES } from "../../src/classroom/library-name.ts";
import {
  entryPath,
  MAX_ARCHIVE_ENTRIES,
  MAX_UNPACKED_BYTES,
  unpackArchive,
} from "../../src/classroom/topology-archive.ts";
import { tarArchive, zipArchive } from "../support/archives.ts";

const names = async (bytes: Buffer) => {
  const result = await unpackArchive(bytes);
  return result.ok ? [...result.files.keys()].sort() : result.errors;
};

describe("entry paths", () => {
  it("are relative, inside the folder, with '.' and empty parts dropped", () => {
    expect(entryPath("./lab//topology.yaml")).toEqual({ ok: true, path: "lab/topology.yaml" });
    expect(entryPath("../x")).toEqual({ ok: false, reason: "leads out of the folder ('..')" });
    expect(entryPath("a/../../x").ok).toBe(false);
    expect(entryPath("/etc/passwd")).toEqual({ ok: false, reason: "has an absolute path" });
    expect(entryPath("C:/x").ok).toBe(false);
    expect(entryPath("a\\..\\x").ok).toBe(false);
    expect(entryPath("./").ok).toBe(false);
  });
});

describe("tar archives", () => {
  it("unpack, gzipped or not, with a folder around everything taken off", async () => {
    const entries = [
      { name: "lab/", type: "directory" as const },
      { name: "lab/topology.yaml", content: "name: x\n" },
      { name: "lab/src/app.py", content: "print(1)\n" },
    ];
    expect(await names(await tarArchive(entries))).toEqual(["src/app.py", "topology.yaml"]);
    expect(await names(await tarArchive(entries, false))).toEqual(["src/app.py", "topology.yaml"]);
    const flat = await unpackArchive(await tarArchive([{ name: "topology.yaml", content: "a" }]));
    expect(flat.ok && flat.files.get("topology.yaml")?.toString()).toBe("a");
  });

  it("refuse links, escaping and absolute paths, each listed", async () => {
    const result = await names(
      await tarArchive([
        { name: "topology.yaml", content: "name: x\n" },
        { name: "key", type: "symlink", linkname: "/root/.ssh/id_rsa" },
        { name: "hard", type: "link", linkname: "topology.yaml" },
        { name: "../../etc/cron.d/x", content: "* * * * * root sh\n" },
        { name: "/tmp/x", content: "x" },
      ]),
    );
    expect(result).toEqual([
      { path: "archive:key", message: "is a symlink; an archive holds only files and folders" },
      { path: "archive:hard", message: "is a link; an archive holds only files and folders" },
      { path: "archive:../../etc/cron.d/x", message: "leads out of the folder ('..')" },
      { path: "archive:/tmp/x", message: "has an absolute path" },
    ]);
  });

  it("refuse more than the size limit once unpacked (a gzip bomb), and too many entries", async () => {
    const bomb = await tarArchive([
      { name: "zeros", content: Buffer.alloc(MAX_UNPACKED_BYTES + 1) },
    ]);
    expect(bomb.length).toBeLessThan(MAX_ARCHIVE_BYTES);
    expect(await names(bomb)).toEqual([
      { path: "archive:", message: "cannot be read: more than 16 MiB once unpacked" },
    ]);
    const many = await tarArchive(
      Array.from({ length: MAX_ARCHIVE_ENTRIES + 1 }, (_, i) => ({ name: `f${i}`, content: "x" })),
    );
    expect(await names(many)).toEqual([
      { path: "archive:", message: `cannot be read: more than ${MAX_ARCHIVE_ENTRIES} entries` },
    ]);
    expect(await names(Buffer.alloc(MAX_ARCHIVE_BYTES + 1))).toEqual([
      { path: "archive:", message: "is larger than 8 MiB" },
    ]);
  });

  it("refuse what is no archive", async () => {
    const result = await unpackArchive(Buffer.from("name: x\nnodes: {}\n"));
    expect(result.ok).toBe(false);
  });
});

describe("zip archives", () => {
  it("unpack, with a folder around everything taken off", async () => {
    const zip = zipArchive([
      { name: "lab/topology.yaml", content: "name: x\n" },
      { name: "lab/README.md", content: "# x\n" },
    ]);
    expect(await names(zip)).toEqual(["README.md", "topology.yaml"]);
  });

  it("refuse a symbolic link", async () => {
    const zip = zipArchive([
      { name: "topology.yaml", content: "name: x\n" },
      { name: "key", content: "/root/.ssh/id_rsa", mode: 0o120777 },
    ]);
    expect(await names(zip)).toEqual([
      {
        path: "archive:key",
        message: "is a symbolic link; an archive holds only files and folders",
      },
    ]);
  });

  it("refuse a path leading out of the folder", async () => {
    const zip = zipArchive([{ name: "../evil", content: "x" }]);
    const result = await unpackArchive(zip);
    expect(!result.ok && result.errors[0]?.message).toMatch(/^cannot be read: .*\.\./);
  });
});
