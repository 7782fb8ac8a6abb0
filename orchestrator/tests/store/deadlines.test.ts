// Deadlines per class and topology: set, moved (a moved deadline fires again), due, fired.
import { describe, expect, it } from "vitest";
import { openDb } from "../../src/store/db.ts";
import {
  deadlineOf,
  deadlinesOfClass,
  dueDeadlines,
  markFired,
  removeDeadline,
  setDeadline,
} from "../../src/store/deadlines.ts";
import { createClass } from "../../src/store/users.ts";

describe("deadlines", () => {
  it("are due once passed, until they have fired; moving one makes it fire again", () => {
    const db = openDb(":memory:");
    const { id } = createClass(db, "net101", null);
    setDeadline(db, { classId: id, topology: "sockets", at: 1000, setBy: "instructor" });
    setDeadline(db, { classId: id, topology: "dns-basics", at: 5000, setBy: "instructor" });
    expect(dueDeadlines(db, 999)).toEqual([]);
    expect(dueDeadlines(db, 1000).map((d) => d.topology)).toEqual(["sockets"]);
    markFired(db, id, "sockets", 1200);
    expect(dueDeadlines(db, 6000).map((d) => d.topology)).toEqual(["dns-basics"]);
    expect(deadlineOf(db, id, "sockets")).toEqual({
      classId: id,
      topology: "sockets",
      at: 1000,
      setBy: "instructor",
      firedAt: 1200,
    });
    setDeadline(db, { classId: id, topology: "sockets", at: 3000, setBy: "other" });
    expect(deadlineOf(db, id, "sockets")).toMatchObject({
      at: 3000,
      firedAt: null,
      setBy: "other",
    });
    expect(deadlinesOfClass(db, id).map((d) => d.topology)).toEqual(["sockets", "dns-basics"]);
    expect(removeDeadline(db, id, "sockets")).toBe(true);
    expect(removeDeadline(db, id, "sockets")).toBe(false);
    expect(deadlineOf(db, id, "sockets")).toBeNull();
  });
});
