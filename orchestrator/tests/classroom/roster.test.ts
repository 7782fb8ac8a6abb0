import { describe, expect, it } from "vitest";
import { assignLogins, parseRosterCsv, slug } from "../../src/classroom/roster.ts";

describe("CSV rosters", () => {
  it("reads name, email and id in any column order, with quoted commas", () => {
    const result = parseRosterCsv(
      'email,name,id\nada@uni.edu,"Lovelace, Ada",S-01\n\nbob@uni.edu,Bob,\n',
    );
    expect(result).toEqual({
      ok: true,
      entries: [
        { name: "Lovelace, Ada", email: "ada@uni.edu", id: "S-01" },
        { name: "Bob", email: "bob@uni.edu", id: undefined },
      ],
    });
  });

  it("reports every bad line with its line number", () => {
    const result = parseRosterCsv("name,email\nAda,ada@uni.edu\n,x@y.z\nBob,not-an-address\nCy\n");
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: "csv:3:name", message: "a name is needed" },
        { path: "csv:4:email", message: "'not-an-address' is not an e-mail address" },
        { path: "csv:5", message: "1 fields where the header has 2" },
      ],
    });
  });

  it("refuses a header without name or with unknown columns", () => {
    const result = parseRosterCsv("email,phone\n");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => e.message)).toEqual([
      "unknown column 'phone'; expected name, email, id",
      "a 'name' column is needed",
    ]);
  });
});

describe("logins", () => {
  it("come from the id, else the e-mail, else the name, and never repeat", () => {
    const taken = new Set(["bob"]);
    const logins = assignLogins(
      [
        { name: "Zoë Ådams", id: "S 01" },
        { name: "Bob", email: "bob@uni.edu" },
        { name: "Bob Again", email: "bob@other.edu" },
        { name: "Zoë Ådams" },
      ],
      (l) => taken.has(l),
    );
    expect(logins).toEqual(["s-01", "bob-2", "bob-3", "zoe-adams"]);
  });

  it("slugs fit a lab id: at most 24 characters, no trailing '-'", () => {
    expect(slug("A very long student name with many words")).toBe("a-very-long-student-name");
    expect(slug("abcdefghijklmnopqrstuvw-xyz")).toBe("abcdefghijklmnopqrstuvw");
  });
});
