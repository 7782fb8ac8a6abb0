// Tokens over their life through the API: a class's term ends its users' tokens, instructors
// revoke and reissue them, the instructor's token from the environment is the only one in force,
// and each of these is in the audit log. TAs keep their rights: they may do none of it.
import { afterEach, describe, expect, it } from "vitest";
import { apiRequest } from "../../../tests/support/api.ts";
import type { App } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { newToken } from "../../src/store/users.ts";
import { offlineApp } from "./helpers.ts";

const DAY = 24 * 3_600_000;
let app: App;
let instructor: string;
let clock = Date.parse("2027-01-10T09:00:00Z");

async function start() {
  clock = Date.parse("2027-01-10T09:00:00Z");
  ({ app, instructor } = await offlineApp(() => clock));
}
afterEach(async () => {
  await app.close();
});

async function makeClass(extra: object = {}) {
  const response = await apiRequest(app, "POST", "/api/classes", instructor, {
    name: "net-101",
    students: [
      { name: "Ada", id: "ada" },
      { name: "Bob", id: "bob" },
    ],
    tas: ["Tess"],
    ...extra,
  });
  expect(response.statusCode).toBe(201);
  return response.json() as {
    id: string;
    endsAt: string;
    students: { login: string; token: string }[];
    tas: { login: string; token: string }[];
  };
}

const me = (token: string) => apiRequest(app, "GET", "/api/me", token);
const actions = async (token = instructor) =>
  (await apiRequest(app, "GET", "/api/audit", token))
    .json()
    .map(
      (r: { actor: string; action: string; target: string }) =>
        `${r.actor} ${r.action} ${r.target}`,
    );

describe("a class's term", () => {
  it("ends its users' tokens: the default term, then a moved end", async () => {
    await start();
    const settings = await apiRequest(app, "PUT", "/api/settings", instructor, {
      classTermDays: 30,
    });
    expect(settings.json()).toEqual({ classTermDays: 30 });
    const cls = await makeClass();
    expect(cls.endsAt).toBe(new Date(clock + 30 * DAY).toISOString());
    const ada = cls.students[0]?.token as string;
    expect((await me(ada)).statusCode).toBe(200);
    clock += 30 * DAY;
    const expired = await me(ada);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toBe(`the token expired with its class's term (${cls.endsAt})`);
    // The instructor is in no class: their token does not expire.
    expect((await me(instructor)).statusCode).toBe(200);
    const moved = await apiRequest(app, "PATCH", `/api/classes/${cls.id}`, instructor, {
      endsAt: new Date(clock + DAY).toISOString(),
    });
    expect(moved.statusCode).toBe(200);
    expect((await me(ada)).statusCode).toBe(200);
    expect(await actions()).toEqual(
      expect.arrayContaining([
        "instructor settings.class-term classTermDays",
        `instructor class.term ${cls.id}`,
      ]),
    );
  });

  it("is given at creation, and refused when it is over already", async () => {
    await start();
    const endsAt = "2027-06-30T00:00:00.000Z";
    expect((await makeClass({ endsAt })).endsAt).toBe(endsAt);
    const past = await apiRequest(app, "POST", "/api/classes", instructor, {
      name: "late",
      students: [{ name: "Cy" }],
      endsAt: "2026-12-31T00:00:00Z",
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().fields).toEqual([
      { path: "body.endsAt", message: "2026-12-31T00:00:00Z is not a time to come" },
    ]);
    const range = await apiRequest(app, "PUT", "/api/settings", instructor, { classTermDays: 0 });
    expect(range.statusCode).toBe(400);
  });
});

describe("revocation and reissue", () => {
  it("revoke every token of a user; a reissued one signs in alone", async () => {
    await start();
    const cls = await makeClass();
    const ada = cls.students[0]?.token as string;
    const bob = cls.students[1]?.token as string;
    const revoked = await apiRequest(app, "POST", "/api/users/ada/revoke", instructor);
    expect(revoked.json()).toEqual({ login: "ada", revoked: 1 });
    const refused = await me(ada);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().message).toBe("the token was revoked");
    expect((await me(bob)).statusCode).toBe(200);
    const view = await apiRequest(app, "GET", `/api/classes/${cls.id}`, instructor);
    expect(view.json().students.map((s: { revoked: boolean }) => s.revoked)).toEqual([true, false]);

    const reissued = await apiRequest(app, "POST", "/api/users/ada/reissue", instructor);
    const fresh = reissued.json().token as string;
    expect(reissued.json().login).toBe("ada");
    expect((await me(fresh)).json().login).toBe("ada");
    expect((await me(ada)).statusCode).toBe(401);
    // A second reissue replaces the first.
    const again = (await apiRequest(app, "POST", "/api/users/ada/reissue", instructor)).json();
    expect((await me(fresh)).statusCode).toBe(401);
    expect((await me(again.token)).statusCode).toBe(200);
    expect(await actions()).toEqual(
      expect.arrayContaining(["instructor token.revoke ada", "instructor token.reissue ada"]),
    );
  });

  it("answer 404 for an unknown login and refuse to revoke the instructor", async () => {
    await start();
    expect((await apiRequest(app, "POST", "/api/users/nobody/revoke", instructor)).statusCode).toBe(
      404,
    );
    const self = await apiRequest(app, "POST", "/api/users/instructor/revoke", instructor);
    expect(self.statusCode).toBe(409);
    expect((await me(instructor)).statusCode).toBe(200);
  });

  it("reissuing the instructor's token rotates it: only the new one signs in", async () => {
    await start();
    const rotated = await apiRequest(app, "POST", "/api/users/instructor/reissue", instructor);
    expect(rotated.statusCode).toBe(200);
    expect((await me(instructor)).statusCode).toBe(401);
    expect((await me(rotated.json().token)).json().role).toBe("instructor");
  });

  it("are the instructor's: TAs and students get 403 and change nothing", async () => {
    await start();
    const cls = await makeClass();
    const ta = cls.tas[0]?.token as string;
    const ada = cls.students[0]?.token as string;
    for (const token of [ta, ada]) {
      for (const url of ["/api/users/bob/revoke", "/api/users/bob/reissue"]) {
        expect((await apiRequest(app, "POST", url, token)).statusCode).toBe(403);
      }
      expect((await apiRequest(app, "GET", "/api/settings", token)).statusCode).toBe(403);
      const term = await apiRequest(app, "PATCH", `/api/classes/${cls.id}`, token, {
        endsAt: null,
      });
      expect(term.statusCode).toBe(403);
    }
    expect((await me(cls.students[1]?.token as string)).statusCode).toBe(200);
    // What TAs had, they keep: their class, read.
    expect((await apiRequest(app, "GET", `/api/classes/${cls.id}`, ta)).statusCode).toBe(200);
  });
});

describe("the instructor's token from the environment", () => {
  it("is the only instructor token in force, also after a rotation", async () => {
    await start();
    const fromEnv = newToken();
    expect(ensureInstructor(app.db, fromEnv)).toBeNull();
    expect((await me(instructor)).statusCode).toBe(401);
    expect((await me(fromEnv)).statusCode).toBe(200);
    // A reissue through the API, then a restart with the same environment: the environment wins.
    const rotated = (
      await apiRequest(app, "POST", "/api/users/instructor/reissue", fromEnv)
    ).json();
    ensureInstructor(app.db, fromEnv);
    expect((await me(rotated.token)).statusCode).toBe(401);
    expect((await me(fromEnv)).statusCode).toBe(200);
    const rows = app.db
      .prepare(
        "SELECT COUNT(*) AS n FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.role = 'instructor' AND t.revoked_at IS NULL",
      )
      .get();
    expect(rows).toEqual({ n: 1 });
    // An unchanged restart changes nothing and records nothing.
    const rotations = async () =>
      (await actions(fromEnv)).filter((a: string) => a.includes("token.rotate")).length;
    const before = await rotations();
    ensureInstructor(app.db, fromEnv);
    const after = await rotations();
    expect([before, after]).toEqual([2, 2]);
  });
});
