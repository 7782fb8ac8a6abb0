// New users' login links, shown once (only their hashes are kept): a table, a CSV download and a
// printable sheet to hand out in class.
import { h, saveBlob } from "./dom.ts";

export interface IssuedLogin {
  login: string;
  name: string;
  role: string;
  token: string;
}

export const loginLink = (token: string) =>
  `${location.origin}/#token=${encodeURIComponent(token)}`;

/**
 * A CSV field: quoted when it must be, and a leading = + - @ defused, so that a name from a
 * roster cannot become a formula in the spreadsheet the file is opened in.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function loginLinksCsv(people: IssuedLogin[]): string {
  const rows = [
    ["name", "login", "role", "link"],
    ...people.map((p) => [p.name, p.login, p.role, loginLink(p.token)]),
  ];
  return `${rows.map((row) => row.map(csvField).join(",")).join("\r\n")}\r\n`;
}

/** The panel: a warning that the links are shown this once, the table, download and print. */
export function loginLinksPanel(
  title: string,
  people: IssuedLogin[],
  fileName: string,
): HTMLElement {
  const download = h("button", { type: "button" }, "Download links (CSV)");
  download.addEventListener("click", () =>
    saveBlob(new Blob([loginLinksCsv(people)], { type: "text/csv" }), fileName),
  );
  const print = h("button", { type: "button", className: "quiet" }, "Print sheet");
  print.addEventListener("click", () => {
    // Only this panel's sheet is printed (style.css: body.printing-links).
    document.body.classList.add("printing-links");
    panel.classList.add("print-me");
    window.addEventListener(
      "afterprint",
      () => {
        document.body.classList.remove("printing-links");
        panel.classList.remove("print-me");
      },
      { once: true },
    );
    window.print();
  });
  const panel = h(
    "section",
    { className: "card login-links", attrs: { "aria-label": title } },
    h("h2", {}, title),
    h(
      "p",
      { className: "warning" },
      "These links are shown this once: download or print them now. A lost link can be replaced (New link).",
    ),
    h("div", { className: "actions no-print" }, download, print),
    h(
      "table",
      { className: "login-sheet" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Name"),
          h("th", {}, "Login"),
          h("th", {}, "Role"),
          h("th", {}, "Login link"),
        ),
      ),
      h(
        "tbody",
        {},
        ...people.map((p) =>
          h(
            "tr",
            {},
            h("td", {}, p.name),
            h("td", {}, p.login),
            h("td", {}, p.role),
            h("td", { className: "link" }, h("code", {}, loginLink(p.token))),
          ),
        ),
      ),
    ),
  );
  return panel;
}
