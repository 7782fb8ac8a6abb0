import { describe, expect, it } from "vitest";
import { canSeeOwner, ownerFilter } from "../../src/classroom/access.ts";
import { openDb } from "../../src/store/db.ts";
import { createClass, createUser } from "../../src/store/users.ts";

function classroom() {
  const db = openDb(":memory:");
  const ours = createClass(db, "ours", null);
  const theirs = createClass(db, "theirs", null);
  const ta = createUser(db, { login: "tia", name: "Tia", role: "ta", classId: ours.id });
  createUser(db, { login: "ann", name: "Ann", role: "student", classId: ours.id });
  createUser(db, { login: "bob", name: "Bob", role: "student", classId: theirs.id });
  createUser(db, { login: "tom", name: "Tom", role: "ta", classId: theirs.id });
  const ann = createUser(db, { login: "amy", name: "Amy", role: "student", classId: ours.id });
  return { db, ta, student: ann };
}

describe("who may see a lab", () => {
  it("a TA: their own labs and their class's students', no one else's", () => {
    const { db, ta } = classroom();
    const filter = ownerFilter(db, ta);
    for (const [owner, seen] of [
      ["tia", true],
      ["ann", true],
      ["bob", false],
      ["tom", false],
    ] as const) {
      expect([owner, canSeeOwner(db, ta, owner)]).toEqual([owner, seen]);
      expect([owner, filter(owner)]).toEqual([owner, seen]);
    }
  });

  it("a student: their own labs only", () => {
    const { db, student } = classroom();
    expect(canSeeOwner(db, student, "amy")).toBe(true);
    expect(canSeeOwner(db, student, "ann")).toBe(false);
    expect(ownerFilter(db, student)("tia")).toBe(false);
  });
});
