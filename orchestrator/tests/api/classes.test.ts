// Classes through the API: a roster refused as a whole with every problem listed (nothing
// created), students and TAs added and removed later, each audited; TAs read their own class
// and change nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { apiRequest } from "../../../tests/support/api.ts";
import type { App } from "../../src/api/app.ts";
import { offlineApp } from "./helpers.ts";

let app: App;
let instructor: string;

beforeEach(async () => {
  ({ app, instructor } = await offlineApp());
});
afterEach(async () => {
  await app.close();
});

const userCount = () =>
  (app.db.prepare("SELECT COUNT(*) AS n FROM users").get() as { n: number }).n;
const classCount = () =>
  (app.db.prepare("SELECT COUNT(*) AS n FROM classes").get() as { n: number }).n;

async function create(payload: object) {
  return apiRequest(app, "POST", "/api/classes", instructor, payload);
}

describe("creating a class", () => {
  it("refuses a roster with duplicate, taken or empty entries as a whole, listing each", async () => {
    const first = await create({ name: "net-101", csv: "name,id\nAda,ada\n", tas: ["Tess"] });
    expect(first.statusCode).toBe(201);
    const users = userCount();
    const bad = await create({
      name: "net-102",
      csv: '\uFEFFname;email;id\nAda L;ada@uni.edu;ada\n" ";b@uni.edu;bee\nBo;bo@uni.edu;bee\nCy;cy"x;c\n',
      tas: ["Tess"],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields).toEqual([
      { path: "csv:2:id", message: "login 'ada' is taken (a student of class 'net-101')" },
      { path: "csv:3:name", message: "a name is needed" },
      { path: "csv:4:id", message: "login 'bee' is also at csv:3" },
      { path: "csv:5", message: expect.stringMatching(/^malformed row: /) },
    ]);
    expect([userCount(), classCount()]).toEqual([users, 1]);
  });

  it("gives TAs logins apart from the students' and audits the creation", async () => {
    const made = await create({
      name: "c",
      students: [{ name: "x", id: "ta-tess" }],
      tas: ["Tess"],
    });
    expect(made.json().tas.map((t: { login: string }) => t.login)).toEqual(["ta-tess-2"]);
    const audit = (await apiRequest(app, "GET", "/api/audit", instructor)).json();
    expect(audit[0]).toMatchObject({
      actor: "instructor",
      action: "class.create",
      target: made.json().id,
      detail: { name: "c", students: ["ta-tess"], tas: ["ta-tess-2"] },
    });
  });
});

describe("members", () => {
  it("are added with tokens shown once, and removed with their tokens", async () => {
    const cls = (await create({ name: "c", students: [{ name: "Ada", id: "ada" }] })).json();
    const added = await apiRequest(app, "POST", `/api/classes/${cls.id}/members`, instructor, {
      csv: "name,id\nBob,bob\n",
      tas: ["Tim"],
    });
    expect(added.statusCode).toBe(201);
    const bob = added.json().students[0];
    expect(bob.login).toBe("bob");
    expect((await apiRequest(app, "GET", "/api/me", bob.token)).json().class.id).toBe(cls.id);
    const view = (await apiRequest(app, "GET", `/api/classes/${cls.id}`, instructor)).json();
    expect(view.students.map((s: { login: string }) => s.login)).toEqual(["ada", "bob"]);
    expect(view.tas.map((s: { login: string }) => s.login)).toEqual(["ta-tim"]);

    const again = await apiRequest(app, "POST", `/api/classes/${cls.id}/members`, instructor, {
      students: [{ name: "Bob", id: "bob" }],
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().fields).toEqual([
      { path: "body.students.0.id", message: "login 'bob' is taken (a student of class 'c')" },
    ]);

    const removed = await apiRequest(
      app,
      "DELETE",
      `/api/classes/${cls.id}/members/bob`,
      instructor,
    );
    expect(removed.json()).toMatchObject({ login: "bob", name: "Bob" });
    expect((await apiRequest(app, "GET", "/api/me", bob.token)).statusCode).toBe(401);
    const gone = await apiRequest(app, "DELETE", `/api/classes/${cls.id}/members/bob`, instructor);
    expect(gone.statusCode).toBe(404);
    const actions = (await apiRequest(app, "GET", "/api/audit", instructor))
      .json()
      .map((r: { action: string }) => r.action);
    expect(actions).toEqual(expect.arrayContaining(["class.add", "class.remove"]));
  });

  it("are the instructor's to change: a TA reads their class and changes nothing", async () => {
    const cls = (
      await create({ name: "c", students: [{ name: "Ada", id: "ada" }], tas: ["Tess"] })
    ).json();
    const other = (await create({ name: "d", students: [{ name: "Di", id: "di" }] })).json();
    const ta = cls.tas[0].token;
    const add = await apiRequest(app, "POST", `/api/classes/${cls.id}/members`, ta, {
      students: [{ name: "Eve", id: "eve" }],
    });
    expect(add.statusCode).toBe(403);
    const remove = await apiRequest(app, "DELETE", `/api/classes/${cls.id}/members/ada`, ta);
    expect(remove.statusCode).toBe(403);
    expect(
      (await apiRequest(app, "POST", "/api/classes", ta, { name: "x", csv: "name\nA\n" }))
        .statusCode,
    ).toBe(403);
    expect((await apiRequest(app, "GET", `/api/classes/${cls.id}`, ta)).statusCode).toBe(200);
    expect((await apiRequest(app, "GET", `/api/classes/${other.id}`, ta)).statusCode).toBe(404);
    const students = cls.students[0].token;
    expect((await apiRequest(app, "GET", `/api/classes/${cls.id}`, students)).statusCode).toBe(403);
    expect(userCount()).toBe(4);
  });
});
