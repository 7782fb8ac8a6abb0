import { describe, expect, it } from "vitest";
import {
  assignLogins,
  checkRosterList,
  MAX_ROSTER_ENTRIES,
  parseRosterCsv,
  slug,
} from "../../src/classroom/roster.ts";

const entries = (result: ReturnType<typeof parseRosterCsv>) =>
  result.errors.length === 0 ? result.entries.map((e) => e.entry) : result.errors;

describe("CSV rosters", () => {
  it("reads name, email and id in any column order, with quoted commas", () => {
    const result = parseRosterCsv(
      'email,name,id\nada@uni.edu,"Lovelace, Ada",S-01\n\nbob@uni.edu,Bob,\n',
    );
    expect(result).toEqual({
      errors: [],
      entries: [
        { entry: { name: "Lovelace, Ada", email: "ada@uni.edu", id: "S-01" }, at: "csv:2" },
        { entry: { name: "Bob", email: "bob@uni.edu", id: undefined }, at: "csv:4" },
      ],
    });
  });

  it("reads a spreadsheet's export: a BOM, ';' between fields, CRLF, doubled quotes", () => {
    const text = '\uFEFFName;E-mail;Id\r\n"Doe; Jane";jane@uni.edu;"J ""JD"" 1"\r\n'.replace(
      "E-mail",
      "email",
    );
    expect(entries(parseRosterCsv(text))).toEqual([
      { name: "Doe; Jane", email: "jane@uni.edu", id: 'J "JD" 1' },
    ]);
  });

  it("keeps ',' as the delimiter when the header has both", () => {
    expect(entries(parseRosterCsv('name,email\n"A; B",a@b.cd\n'))).toEqual([
      { name: "A; B", email: "a@b.cd", id: undefined },
    ]);
  });

  it("reports every bad line with its line number and field", () => {
    const result = parseRosterCsv("name,email\nAda,ada@uni.edu\n,x@y.z\nBob,not-an-address\nCy\n");
    expect(result.errors).toEqual([
      { path: "csv:3:name", message: "a name is needed" },
      { path: "csv:4:email", message: "'not-an-address' is not an e-mail address" },
      { path: "csv:5", message: "1 fields where the header has 2" },
    ]);
  });

  it("reports a malformed row and still checks the rows after it", () => {
    const result = parseRosterCsv('name,email\nAd"a,a@b.cd\n ,b@b.cd\n');
    expect(result.errors).toEqual([
      {
        path: "csv:2",
        message: 'malformed row: a quote is found on field 0 at line 2, value is "Ad"',
      },
      { path: "csv:3:name", message: "a name is needed" },
    ]);
  });

  it("reports a quote never closed", () => {
    const result = parseRosterCsv('name\nAda\n"Bob\n');
    expect(result.errors).toEqual([
      { path: "csv:3", message: expect.stringMatching(/^malformed row: /) },
    ]);
  });

  it("refuses duplicate ids (as logins) and e-mail addresses, naming the first", () => {
    const result = parseRosterCsv(
      "name,email,id\nAda,ada@uni.edu,S1\nAdda,ADA@uni.edu,s1\nBob,bob@uni.edu,\n",
    );
    expect(result.errors).toEqual([
      { path: "csv:3:id", message: "login 's1' is also at csv:2" },
      { path: "csv:3:email", message: "e-mail address 'ADA@uni.edu' is also at csv:2" },
    ]);
  });

  it("refuses a header without name, with unknown columns or a column twice", () => {
    const result = parseRosterCsv("email,phone,email\n");
    expect(result.errors.map((e) => e.message)).toEqual([
      "unknown column 'phone'; expected name, email, id",
      "a 'name' column is needed",
      "a column is named twice",
    ]);
  });

  it("refuses more rows than a roster may have", () => {
    const text = `name\n${"x\n".repeat(MAX_ROSTER_ENTRIES + 1)}`;
    expect(entries(parseRosterCsv(text))).toEqual([
      { path: "csv", message: `${MAX_ROSTER_ENTRIES + 1} students; a roster has at most 2000` },
    ]);
  });
});

describe("JSON rosters", () => {
  it("report each entry's problems by index and field", () => {
    const result = checkRosterList([
      { name: " ", id: "a" },
      { name: "B", email: "b", id: "A" },
    ]);
    expect(result.errors).toEqual([
      { path: "body.students.0.name", message: "a name is needed" },
      { path: "body.students.1.email", message: "'b' is not an e-mail address" },
      { path: "body.students.1.id", message: "login 'a' is also at body.students.0" },
    ]);
  });
});

describe("logins", () => {
  const placed = (list: { name: string; email?: string; id?: string }[]) =>
    list.map((entry, i) => ({ entry, at: `csv:${i + 2}` }));

  it("come from the id, else the e-mail, else the name; derived ones never repeat", () => {
    const taken = new Set(["bob"]);
    const result = assignLogins(
      placed([
        { name: "Zoë Ådams", id: "S 01" },
        { name: "Bob", email: "bob@uni.edu" },
        { name: "Bob Again", email: "bob@other.edu" },
        { name: "Zoë Ådams" },
        { name: "Cy", id: "zoe-adams" },
      ]),
      (l) => (taken.has(l) ? "a student of class 'x'" : null),
    );
    expect(result).toEqual({
      ok: true,
      logins: ["s-01", "bob-2", "bob-3", "zoe-adams-2", "zoe-adams"],
    });
  });

  it("refuse an id another user has, saying whose", () => {
    const result = assignLogins(
      placed([
        { name: "Ada", id: "ada" },
        { name: "Bo", id: "bo" },
      ]),
      (l) => (l === "ada" ? "a student of class 'net-101'" : null),
    );
    expect(result).toEqual({
      ok: false,
      errors: [
        { path: "csv:2:id", message: "login 'ada' is taken (a student of class 'net-101')" },
      ],
    });
  });

  it("slugs fit a lab id: at most 24 characters, no trailing '-'", () => {
    expect(slug("A very long student name with many words")).toBe("a-very-long-student-name");
    expect(slug("abcdefghijklmnopqrstuvw-xyz")).toBe("abcdefghijklmnopqrstuvw");
  });
});
