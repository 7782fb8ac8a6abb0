// POST /api/topologies/import: instructors send a compose file and its folder, and get the
// topology folder and the report back; nothing lands in the library.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { App } from "../../src/api/app.ts";
import { REPO_ROOT } from "../../src/paths.ts";
import { bearer, offlineApp } from "./helpers.ts";

let app: App;
let instructor: string;
let libraryDir: string;

beforeEach(async () => {
  ({ app, instructor, libraryDir } = await offlineApp());
});
afterEach(async () => {
  await app.close();
});

const LABSETUP = join(REPO_ROOT, "tests/fixtures/seed/dns/Labsetup");

/** Every file of the fixture's folder but the compose file, in base64. */
async function folderFiles(): Promise<Record<string, string>> {
  const entries = await readdir(LABSETUP, { recursive: true, withFileTypes: true });
  const files: Record<string, string> = {};
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name !== "docker-compose.yml") {
      files[relative(LABSETUP, path)] = (await readFile(path)).toString("base64");
    }
  }
  return files;
}

const importSetup = async (payload: object, token = instructor) =>
  app.inject({ method: "POST", url: "/api/topologies/import", headers: bearer(token), payload });

describe("POST /api/topologies/import", () => {
  it("answers the topology folder and the report, and keeps nothing", async () => {
    const compose = await readFile(join(LABSETUP, "docker-compose.yml"), "utf8");
    const response = await importSetup({
      compose,
      file: "DNS_Local/Labsetup/docker-compose.yml",
      files: await folderFiles(),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.name).toBe("dns-local");
    const files = Object.fromEntries(
      body.files.map((f: { path: string; contentBase64: string }) => [
        f.path,
        Buffer.from(f.contentBase64, "base64").toString(),
      ]),
    );
    expect(Object.keys(files).sort()).toEqual([
      "IMPORT.md",
      "image_local_dns_server/named.conf",
      "image_local_dns_server/named.conf.options",
      "image_local_dns_server/zone_attacker32.com",
      "image_local_dns_server/zone_example.com",
      "topology.yaml",
    ]);
    expect(files["topology.yaml"]).toContain("resolver: local-server");
    expect(body.report.nodes.map((n: { node: string }) => n.node)).toEqual([
      "local-server",
      "user",
      "attacker",
    ]);
    expect(body.report.notes).toContainEqual(
      expect.objectContaining({
        kind: "changed",
        file: "DNS_Local/Labsetup/image_user/Dockerfile",
        line: 5,
      }),
    );
    expect(await readdir(libraryDir)).toEqual([]);
  });

  it("answers every problem with its file, line and column", async () => {
    const response = await importSetup({
      compose:
        "services:\n  a:\n    build: ./img\n    networks: [lan]\nnetworks:\n  lan: { external: true }\n",
      files: { "img/Dockerfile": Buffer.from("FROM x\n").toString("base64") },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      ok: false,
      diagnostics: [
        {
          file: "Labsetup/docker-compose.yml",
          line: 6,
          col: 10,
          field: "networks.lan.external",
          message:
            "external: external networks are not supported: every lab network belongs to one lab copy",
        },
      ],
    });
  });

  it("is for instructors only, and refuses a folder that is not base64", async () => {
    const cls = await app.inject({
      method: "POST",
      url: "/api/classes",
      headers: bearer(instructor),
      payload: { name: "net-101", csv: "name,email\nAda,ada@uni.edu\n" },
    });
    const student = cls.json().students[0].token;
    expect((await importSetup({ compose: "services: {}\n" }, student)).statusCode).toBe(403);
    const bad = await importSetup({ compose: "services: {}\n", files: { a: "not base64!" } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].path).toBe("body.files.a");
  });
});
