// Files read from disk: the topology file itself and its `source` files, confined to its folder.
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTopologyFile } from "../../src/roles/load.ts";
import { formatDiagnostic } from "../../src/topology/load.ts";
import { folderReader, MAX_SOURCE_BYTES } from "../../src/topology/sources.ts";
import { withFiles } from "./helpers.ts";

// root/
//   secret.txt
//   lab/               the topology's folder
//     motd.txt
//     conf/app.conf
//     big.bin          one byte over the limit
//     inner -> motd.txt            stays inside
//     escape -> ../secret.txt      leads out
//     outside -> ..                a folder link leading out
let root: string;
let lab: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "socketlab-sources-"));
  lab = join(root, "lab");
  await mkdir(join(lab, "conf"), { recursive: true });
  await writeFile(join(root, "secret.txt"), "top secret\n");
  await writeFile(join(lab, "motd.txt"), "welcome\n");
  await writeFile(join(lab, "conf", "app.conf"), "port=80\n");
  await writeFile(join(lab, "big.bin"), Buffer.alloc(MAX_SOURCE_BYTES + 1));
  await symlink("motd.txt", join(lab, "inner"));
  await symlink("../secret.txt", join(lab, "escape"));
  await symlink("..", join(lab, "outside"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("folderReader", () => {
  const reasonFor = async (source: string) => {
    const read = await folderReader(lab)(source);
    return read.ok ? read.data.toString("utf8") : read.reason;
  };

  it("reads files in the folder and below it, and links that stay inside", async () => {
    expect(await reasonFor("motd.txt")).toBe("welcome\n");
    expect(await reasonFor("conf/app.conf")).toBe("port=80\n");
    expect(await reasonFor("./conf/../motd.txt")).toBe("welcome\n");
    expect(await reasonFor("inner")).toBe("welcome\n");
  });

  it("refuses absolute paths", async () => {
    expect(await reasonFor(join(lab, "motd.txt"))).toBe(
      `source '${join(lab, "motd.txt")}' must be relative to the topology's folder`,
    );
  });

  it("refuses paths leading out through '..', existing or not", async () => {
    expect(await reasonFor("../secret.txt")).toBe(
      "source '../secret.txt' is outside the topology's folder",
    );
    expect(await reasonFor("conf/../../nothing")).toBe(
      "source 'conf/../../nothing' is outside the topology's folder",
    );
  });

  it("refuses links leading out, to a file or through a folder", async () => {
    expect(await reasonFor("escape")).toBe(
      "source 'escape' leads outside the topology's folder through a symlink",
    );
    expect(await reasonFor("outside/secret.txt")).toBe(
      "source 'outside/secret.txt' leads outside the topology's folder through a symlink",
    );
  });

  it("refuses missing files, folders and files over 1 MiB", async () => {
    expect(await reasonFor("nothing.txt")).toBe("source 'nothing.txt' does not exist");
    expect(await reasonFor("motd.txt/x")).toBe("source 'motd.txt/x' does not exist");
    expect(await reasonFor("conf")).toBe("source 'conf' is not a regular file");
    expect(await reasonFor("big.bin")).toBe("source 'big.bin' is larger than 1 MiB");
  });
});

describe("loadTopologyFile", () => {
  const write = async (name: string, files: string[]) => {
    const path = join(lab, name);
    await writeFile(path, withFiles(files));
    return path;
  };

  it("loads a topology and reads its sources next to it", async () => {
    const path = await write("good.yaml", [
      "{ path: /etc/motd, source: motd.txt }",
      '{ path: /etc/app.conf, source: conf/app.conf, mode: "0600" }',
    ]);
    const result = await loadTopologyFile(path);
    expect(result.ok && result.topology.nodes[0]?.files).toEqual([
      {
        path: "/etc/motd",
        contentBase64: Buffer.from("welcome\n").toString("base64"),
        mode: 0o644,
      },
      {
        path: "/etc/app.conf",
        contentBase64: Buffer.from("port=80\n").toString("base64"),
        mode: 0o600,
      },
    ]);
  });

  it("reports every refused source at its line", async () => {
    const path = await write("bad.yaml", [
      "{ path: /a, source: ../secret.txt }",
      "{ path: /b, source: escape }",
      "{ path: /c, source: /etc/passwd }",
    ]);
    const result = await loadTopologyFile(path);
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      `${path}:8:29: nodes.a.files[0].source: source '../secret.txt' is outside the topology's folder`,
      `${path}:9:29: nodes.a.files[1].source: source 'escape' leads outside the topology's folder through a symlink`,
      `${path}:10:29: nodes.a.files[2].source: source '/etc/passwd' must be relative to the topology's folder`,
    ]);
  });

  it("reports a missing topology file as a diagnostic", async () => {
    const path = join(lab, "missing.yaml");
    expect(await loadTopologyFile(path)).toEqual({
      ok: false,
      diagnostics: [
        { file: path, line: 1, col: 1, field: "", message: "the topology file does not exist" },
      ],
    });
  });

  it("refuses a topology file over 1 MiB without reading it", async () => {
    const path = join(lab, "huge.yaml");
    await writeFile(path, `# ${"x".repeat(MAX_SOURCE_BYTES)}\n`);
    const result = await loadTopologyFile(path);
    expect(result.ok ? [] : result.diagnostics.map(formatDiagnostic)).toEqual([
      `${path}:1:1: the topology file is larger than 1 MiB`,
    ]);
  });
});
