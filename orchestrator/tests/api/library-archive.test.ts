// The topology library from an archive through the API: a folder (YAML, handout, source files)
// added once every problem is gone, each shown at its file, line and column, nothing written
// before; archives with links, escaping paths or too much in them refused as a whole; entries
// read and retired. Instructors upload and retire; TAs read; students do neither.
import { readdir } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiRequest } from "../../../tests/support/api.ts";
import type { App } from "../../src/api/app.ts";
import { tarArchive, zipArchive } from "../support/archives.ts";
import { offlineApp } from "./helpers.ts";

let app: App;
let instructor: string;
let libraryDir: string;

beforeEach(async () => {
  ({ app, instructor, libraryDir } = await offlineApp());
});
afterEach(async () => {
  await app.close();
});

const YAML = `name: upload-lab
description: uploaded as an archive
networks:
  lan:
    subnet: 10.10.0.0/24
nodes:
  client:
    networks: { lan: .10 }
    files:
      - path: /srv/app.py
        source: src/app.py
`;

const upload = (archive: Buffer, token = instructor, overwrite = false) =>
  apiRequest(app, "POST", "/api/topologies/archive", token, {
    archiveBase64: archive.toString("base64"),
    overwrite,
  });

const libraryFolders = async () =>
  (await readdir(libraryDir)).filter((n) => !n.startsWith(".")).sort();

describe("a topology archive", () => {
  it("adds the whole folder once it loads, and the entry can be read", async () => {
    const archive = await tarArchive([
      { name: "upload-lab/topology.yaml", content: YAML },
      { name: "upload-lab/README.md", content: "# Upload lab\n\nWrite a client.\n" },
      { name: "upload-lab/src/app.py", content: "print('hi')\n" },
    ]);
    const added = await upload(archive);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ ok: true, name: "upload-lab", diagnostics: [] });
    const list = (await apiRequest(app, "GET", "/api/topologies", instructor)).json();
    expect(list.map((t: { name: string }) => t.name)).toEqual(["upload-lab"]);
    const view = (await apiRequest(app, "GET", "/api/topologies/upload-lab", instructor)).json();
    expect(view).toEqual({
      name: "upload-lab",
      yaml: YAML,
      handout: "# Upload lab\n\nWrite a client.\n",
      files: ["README.md", "src/app.py", "topology.yaml"],
    });
    const again = await upload(archive);
    expect(again.statusCode).toBe(409);
    expect((await upload(archive, instructor, true)).statusCode).toBe(201);
    const audit = (await apiRequest(app, "GET", "/api/audit", instructor)).json();
    expect(audit.filter((r: { action: string }) => r.action === "topology.add")).toHaveLength(2);
  });

  it("shows every problem at its file, line and column, and writes nothing", async () => {
    const zip = zipArchive([
      {
        name: "topology.yaml",
        content: YAML.replace("source: src/app.py", "source: src/gone.py").replace(
          "subnet: 10.10.0.0/24",
          "subnet: 10.10.0.0/33",
        ),
      },
    ]);
    const refused = await upload(zip);
    expect(refused.statusCode).toBe(400);
    const diagnostics = refused.json().diagnostics as {
      file: string;
      line: number;
      col: number;
      message: string;
    }[];
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col}`)).toEqual([
      "topology.yaml:5:13",
      "topology.yaml:11:17",
    ]);
    expect(diagnostics[1]?.message).toBe("source 'src/gone.py' is not in the archive");
    expect(await libraryFolders()).toEqual([]);
    const none = await upload(await tarArchive([{ name: "README.md", content: "#" }]));
    expect(none.json().diagnostics[0].message).toBe("the archive has no topology.yaml at its top");
  });

  it("with a link, an escaping path or too much in it is refused whole; nothing is written", async () => {
    const archive = await tarArchive([
      { name: "topology.yaml", content: YAML },
      { name: "src/app.py", type: "symlink", linkname: "/etc/shadow" },
      { name: "../outside.txt", content: "x" },
    ]);
    const refused = await upload(archive);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({
      error: "invalid_request",
      message: "the archive is refused",
      fields: [
        {
          path: "archive:src/app.py",
          message: "is a symlink; an archive holds only files and folders",
        },
        { path: "archive:../outside.txt", message: "leads out of the folder ('..')" },
      ],
    });
    expect(await readdir(libraryDir)).toEqual([]);
  });
});

describe("library entries", () => {
  it("are retired by instructors (kept aside, out of the list); TAs read; students neither", async () => {
    await upload(
      await tarArchive([
        { name: "topology.yaml", content: YAML },
        { name: "src/app.py", content: "print(1)\n" },
      ]),
    );
    const cls = (
      await apiRequest(app, "POST", "/api/classes", instructor, {
        name: "c",
        students: [{ name: "Ada", id: "ada" }],
        tas: ["Tess"],
      })
    ).json();
    const ta = cls.tas[0].token;
    const student = cls.students[0].token;
    expect((await apiRequest(app, "GET", "/api/topologies/upload-lab", ta)).statusCode).toBe(200);
    expect((await apiRequest(app, "GET", "/api/topologies/upload-lab", student)).statusCode).toBe(
      403,
    );
    expect(
      (await upload(await tarArchive([{ name: "topology.yaml", content: YAML }]), ta)).statusCode,
    ).toBe(403);
    expect((await apiRequest(app, "DELETE", "/api/topologies/upload-lab", ta)).statusCode).toBe(
      403,
    );

    const retired = await apiRequest(app, "DELETE", "/api/topologies/upload-lab", instructor);
    expect(retired.statusCode).toBe(204);
    expect((await apiRequest(app, "GET", "/api/topologies", instructor)).json()).toEqual([]);
    expect(await readdir(`${libraryDir}/.retired`)).toEqual([
      expect.stringMatching(/^upload-lab-/),
    ]);
    expect(
      (await apiRequest(app, "DELETE", "/api/topologies/upload-lab", instructor)).statusCode,
    ).toBe(404);
  });
});
