// A new class from a roster file (CSV or JSON): every problem of the roster is shown inline with
// its line and field, and nothing is created until there is none; then the login links, once.
import { api } from "../api.ts";
import { fill, h, statusLine } from "../dom.ts";
import { type IssuedLogin, loginLinksPanel } from "../login-links.ts";
import { problems } from "../problems.ts";
import { readRosterFile } from "../roster.ts";
import type { PageContext } from "../router.ts";

/** TAs' names typed one per line or separated by commas. */
export const taNames = (text: string) =>
  text
    .split(/[,\n]/)
    .map((t) => t.trim())
    .filter(Boolean);

/** A `<input type=date>` value as the end of that day, in the browser's time zone. */
export const endOfDay = (date: string) => new Date(`${date}T23:59:59`).toISOString();

export async function newClassPage({ main }: PageContext): Promise<void> {
  const { classTermDays } = await api.settings();
  const name = h("input", { id: "class-name", required: true, maxLength: 200 });
  const roster = h("input", {
    id: "class-roster",
    type: "file",
    required: true,
    accept: ".csv,.json,.txt,text/csv,application/json",
  });
  const tas = h("textarea", { id: "class-tas", rows: 2 });
  const ends = h("input", { id: "class-ends", type: "date" });
  const button = h("button", { type: "submit" }, "Create the class");
  const status = statusLine();
  const form = h(
    "form",
    { className: "card stacked", attrs: { "aria-label": "New class" } },
    h("label", { htmlFor: name.id }, "Name"),
    name,
    h("label", { htmlFor: roster.id }, "Roster (CSV or JSON)"),
    roster,
    h(
      "p",
      { className: "hint" },
      "CSV with a header naming name (needed), email and id (a student's id becomes their login); ',' or ';' between fields, as spreadsheets export it. JSON: a list of {name, email, id}.",
    ),
    h("label", { htmlFor: tas.id }, "TAs (names, one per line or comma-separated)"),
    tas,
    h("label", { htmlFor: ends.id }, "Term ends (sign-ins stop then)"),
    ends,
    h(
      "p",
      { className: "hint" },
      `Empty: ${classTermDays} days from today (Classes page: default term).`,
    ),
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    fill(status, "Checking the roster…");
    try {
      const file = roster.files?.[0];
      if (!file) throw new Error("choose a roster file");
      const created = await api.createClass({
        name: name.value.trim(),
        ...(await readRosterFile(file)),
        tas: taNames(tas.value),
        ...(ends.value ? { endsAt: endOfDay(ends.value) } : {}),
      });
      const people: IssuedLogin[] = [
        ...created.students.map((s) => ({ ...s, role: "student" })),
        ...created.tas.map((t) => ({ ...t, role: "TA" })),
      ];
      fill(
        main,
        h("h1", {}, `Class ${created.name} created`),
        loginLinksPanel(
          `Login links of ${created.name}`,
          people,
          `${created.name}-login-links.csv`,
        ),
        h("p", {}, h("a", { href: "/classes" }, "Back to classes")),
      );
    } catch (error) {
      fill(status, problems(error));
      button.disabled = false;
    }
  });
  fill(main, h("h1", {}, "New class"), form);
  name.focus();
}
