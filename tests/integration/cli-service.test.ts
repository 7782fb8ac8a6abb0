// The admin commands against a running service, through its API only: the service here has no
// engine, and the CLI is given no database, only SOCKETLAB_URL and SOCKETLAB_TOKEN or a config
// file. Classes are created from roster files, listed and shown; tokens revoked and reissued;
// a refused request says why, with each field's problem, and exits 2 when the input is wrong.
import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../orchestrator/src/api/app.ts";
import { REPO_ROOT } from "../../orchestrator/src/paths.ts";
import { offlineApp } from "../../orchestrator/tests/api/helpers.ts";
import { apiRequest } from "../support/api.ts";
import { cli } from "./engine.ts";

let app: App;
let instructor: string;
let libraryDir = "";
let url = "";
let home = "";

beforeAll(async () => {
  ({ app, instructor, libraryDir } = await offlineApp());
  await app.listen({ port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  home = await mkdtemp(join(tmpdir(), "sl-cli-home-"));
});

afterAll(async () => {
  await app?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

/** The CLI with a home of its own (no config file unless a test writes one). */
const run = (args: string[], env: Record<string, string> = {}) =>
  cli(args, { env: { HOME: home, XDG_CONFIG_HOME: "", SOCKETLAB_CONFIG: "", ...env } });
const asInstructor = (args: string[]) =>
  run(args, { SOCKETLAB_URL: url, SOCKETLAB_TOKEN: instructor });

async function rosterFile(name: string, text: string): Promise<string> {
  const file = join(home, name);
  await writeFile(file, text);
  return file;
}

const me = async (token: string) => (await apiRequest(app, "GET", "/api/me", token)).statusCode;

describe("socketlab class", () => {
  it("needs to know the service, and says how", async () => {
    const result = await run(["class", "ls"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("set SOCKETLAB_URL and SOCKETLAB_TOKEN");
  });

  it("creates a class from a CSV roster and prints each login link once", async () => {
    const roster = await rosterFile(
      "net.csv",
      "\uFEFFname;email;id\r\nAda L;ada@uni.edu;ada\r\nBob;bob@uni.edu;bob\r\n",
    );
    const result = await asInstructor([
      "class",
      "create",
      "net-101",
      "--roster",
      roster,
      "--ta",
      "Tess",
      "--ends",
      "2099-06-30",
    ]);
    expect(result.stderr).toContain("shown this once");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("term ends 2099-06-30T23:59:59.000Z");
    const links = [
      ...result.stdout.matchAll(/^(\S+)\s+(student|ta)\s+.*?(http\S+#token=(\S+))$/gm),
    ];
    expect(links.map((m) => [m[1], m[2]])).toEqual([
      ["ada", "student"],
      ["bob", "student"],
      ["ta-tess", "ta"],
    ]);
    expect(links[0]?.[3]?.startsWith(`${url}/#token=slt_`)).toBe(true);
    expect(await me(decodeURIComponent(links[0]?.[4] as string))).toBe(200);
  });

  it("refuses a bad roster with every problem, creating nothing (exit 2)", async () => {
    const roster = await rosterFile("bad.csv", "name,id\nAda,ada\n ,x\nCy,cy\nDee,cy\n");
    const result = await asInstructor(["class", "create", "bad", "--roster", roster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("socketlab: the roster has errors");
    expect(result.stderr).toContain(
      "csv:2:id: login 'ada' is taken (a student of class 'net-101')",
    );
    expect(result.stderr).toContain("csv:3:name: a name is needed");
    expect(result.stderr).toContain("csv:5:id: login 'cy' is also at csv:4");
    const classes = await apiRequest(app, "GET", "/api/classes", instructor);
    expect(classes.json().map((c: { name: string }) => c.name)).toEqual(["net-101"]);
  });

  it("lists and shows classes, as tables and as JSON", async () => {
    const list = await asInstructor(["class", "ls"]);
    expect(list.stdout).toMatch(/^ID\s+NAME\s+STUDENTS\s+TAS\s+TERM ENDS$/m);
    expect(list.stdout).toMatch(/net-101\s+2\s+1\s+2099-06-30/);
    const shown = await asInstructor(["class", "show", "net-101", "--json"]);
    expect(JSON.parse(shown.stdout).students.map((s: { login: string }) => s.login)).toEqual([
      "ada",
      "bob",
    ]);
    const missing = await asInstructor(["class", "show", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no class 'nope'");
  });

  it("reads the service from a config file only its owner may read", async () => {
    const file = join(home, ".config", "socketlab", "config.json");
    await mkdir(join(home, ".config", "socketlab"), { recursive: true });
    await writeFile(file, JSON.stringify({ url, token: instructor }));
    await chmod(file, 0o644);
    const unsafe = await run(["class", "ls"]);
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toContain(`chmod 600 ${file}`);
    await chmod(file, 0o600);
    const safe = await run(["class", "ls", "--json"]);
    expect(safe.code).toBe(0);
    expect(JSON.parse(safe.stdout)).toHaveLength(1);
    await rm(file);
  });
});

describe("socketlab grades", () => {
  it("prints a class's grid of a topology's checks, as a table and as the export's CSV", async () => {
    await mkdir(join(libraryDir, "checks"));
    await cp(
      join(REPO_ROOT, "tests/fixtures/checks.yaml"),
      join(libraryDir, "checks", "topology.yaml"),
    );
    const table = await asInstructor(["grades", "net-101", "--topology", "checks"]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^LOGIN\s+GREETING\s+SLOW\s+CHATTY\s+SPARE-UP\s+SCORE$/m);
    expect(table.stdout).toMatch(/^ada\s+-\s+-\s+-\s+-\s+0\/4$/m);
    const csv = await asInstructor(["grades", "net-101", "--topology", "checks", "--csv"]);
    expect(csv.stdout.split("\r\n")[0]).toBe("login,name,greeting,slow,chatty,spare-up,score,of");
    const none = await asInstructor(["grades", "net-101"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--topology NAME is needed");
  });
});

describe("socketlab token", () => {
  it("revokes a user's tokens and reissues one", async () => {
    const shown = JSON.parse((await asInstructor(["class", "show", "net-101", "--json"])).stdout);
    expect(shown.students[1].login).toBe("bob");
    const revoked = await asInstructor(["token", "revoke", "bob"]);
    expect(revoked.stdout).toBe("bob: 1 token(s) revoked; their open terminals closed\n");
    const reissued = await asInstructor(["token", "reissue", "bob", "--json"]);
    const { token, link } = JSON.parse(reissued.stdout);
    expect(link).toBe(`${url}/#token=${encodeURIComponent(token)}`);
    expect(await me(token)).toBe(200);
    const unknown = await asInstructor(["token", "revoke", "nobody"]);
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, "socketlab: user nobody not found"]);
  });

  it("says why a token is refused, and what a TA may not do", async () => {
    const bad = await run(["class", "ls"], { SOCKETLAB_URL: url, SOCKETLAB_TOKEN: "slt_nope" });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("socketlab: the token is not valid");
    expect(bad.stderr).toContain("hint: set SOCKETLAB_TOKEN");
    const ta = JSON.parse(
      (await asInstructor(["token", "reissue", "ta-tess", "--json"])).stdout,
    ).token;
    const refused = await run(["token", "revoke", "ada"], {
      SOCKETLAB_URL: url,
      SOCKETLAB_TOKEN: ta,
    });
    expect([refused.code, refused.stderr.trim()]).toEqual([
      1,
      "socketlab: this needs the role instructor",
    ]);
    expect(await me(ta)).toBe(200);
  });
});
