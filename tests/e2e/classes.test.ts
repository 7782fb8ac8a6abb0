// An instructor runs a class's sign-ins from the browser, on the real service and engine: a
// roster file with errors is refused with each shown at its line and field and nothing created;
// a good one (a spreadsheet's export: BOM, ';', quotes) creates the class and shows its login
// links once, downloaded as CSV and printed as a sheet of the links alone; a student signs in
// with their link and opens a terminal; the instructor revokes the link and the student's
// terminal closes saying why; a new link works and the old one does not.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRequest } from "../support/api.ts";
import { type E2e, screenshot, signIn, startE2e, stopE2e, terminalOn } from "./browser.ts";

let e2e: E2e;

beforeAll(async () => {
  e2e = await startE2e();
}, 300_000);

afterAll(async () => {
  if (e2e) await stopE2e(e2e);
});

/** A CSV as a spreadsheet exports it: a BOM, ';' between fields, CRLF, a quoted field. */
const csv = (rows: string[]) => Buffer.from(`\uFEFF${["name;email;id", ...rows].join("\r\n")}\r\n`);

/** A CSV's rows as lists of fields (the links file: no field holds a comma or a quote). */
const rowsOf = (text: string) =>
  text
    .trim()
    .split(/\r?\n/)
    .map((line) => line.split(","));

describe("a class from a roster file, in the browser", () => {
  it("creates the class, hands out links, revokes one (closing its terminal) and reissues it", async () => {
    const suffix = e2e.topology.slice(-4);
    const login = `carol-${suffix}`;
    const { page } = await signIn(e2e, e2e.instructor);
    await page.getByRole("link", { name: "Classes" }).click();
    await page.getByRole("link", { name: "New class from a roster" }).click();
    await page.getByLabel("Name", { exact: true }).fill(`Roster ${suffix}`);

    // A bad roster: every problem at its line and field, and no class made.
    await page.getByLabel("Roster (CSV or JSON)").setInputFiles({
      name: "roster.csv",
      mimeType: "text/csv",
      buffer: csv([
        `Carol;carol@uni.edu;${login}`,
        ` ;x@uni.edu;x-${suffix}`,
        `Dan;dan@uni.edu;${login}`,
      ]),
    });
    await page.getByRole("button", { name: "Create the class" }).click();
    const problems = page.getByRole("alert");
    await expect.poll(() => problems.textContent(), { timeout: 30_000 }).toContain("line 3, name");
    expect(await problems.textContent()).toContain(`line 4, id: login '${login}' is also at csv:2`);
    await screenshot(page, "class-roster-errors");
    const classes = await apiRequest(e2e.app, "GET", "/api/classes", e2e.instructor);
    expect(classes.json()).toHaveLength(1);

    // The roster put right: the class, and its links shown once.
    await page.getByLabel("Roster (CSV or JSON)").setInputFiles({
      name: "roster.csv",
      mimeType: "text/csv",
      buffer: csv([`"Carol; the first";carol@uni.edu;${login}`, `Dan;dan@uni.edu;dan-${suffix}`]),
    });
    await page.getByRole("button", { name: "Create the class" }).click();
    await page.getByRole("heading", { name: `Class Roster ${suffix} created` }).waitFor();
    await screenshot(page, "class-login-links");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download links (CSV)" }).click(),
    ]);
    const rows = rowsOf(await readFile(await download.path(), "utf8"));
    expect(rows[0]).toEqual(["name", "login", "role", "link"]);
    expect(rows.slice(1).map((r) => r.slice(0, 3))).toEqual([
      ["Carol; the first", login, "student"],
      ["Dan", `dan-${suffix}`, "student"],
    ]);
    const link = rows[1]?.[3] as string;
    expect(link).toMatch(new RegExp(`^${e2e.base}/#token=slt_`));

    // The printed sheet: the links alone, without the page around them or the panel's buttons.
    // A headless browser has no print dialog: print() is recorded, and the page is looked at as
    // the printer gets it (print media).
    await page.evaluate(() => {
      window.print = () => {
        document.body.dataset.printed = "yes";
      };
    });
    await page.getByRole("button", { name: "Print sheet" }).click();
    expect(await page.evaluate(() => document.body.dataset.printed)).toBe("yes");
    await page.emulateMedia({ media: "print" });
    const sheet = page.locator(".login-sheet");
    expect(await sheet.getByText(`dan-${suffix}`).isVisible()).toBe(true);
    expect(await sheet.getByText(link).isVisible()).toBe(true);
    for (const around of [
      page.getByRole("link", { name: "Classes" }),
      page.getByRole("button", { name: "Print sheet" }),
      page.getByText("These links are shown this once", { exact: false }),
    ]) {
      expect(await around.isVisible()).toBe(false);
    }
    await screenshot(page, "class-login-links-printed");
    await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
    await page.emulateMedia({ media: "screen" });
    expect(await page.getByRole("button", { name: "Print sheet" }).isVisible()).toBe(true);

    // A lab for the new student; they sign in with their link and open a terminal.
    const lab = await apiRequest(e2e.app, "POST", "/api/labs", e2e.instructor, {
      topology: e2e.topology,
      owner: login,
    });
    expect(lab.statusCode).toBe(201);
    const labId = lab.json().lab as string;
    const student = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const studentPage = await student.newPage();
    await studentPage.goto(link);
    await studentPage.getByRole("heading", { name: "My labs" }).waitFor();
    await studentPage.getByRole("link", { name: labId }).click();
    await studentPage.getByRole("button", { name: "Open a terminal on client" }).click();
    const { pane, rows: screen } = terminalOn(studentPage, labId, "client");
    await pane.click();
    await studentPage.keyboard.type("echo signed-$((40+2))\n");
    await screen.filter({ hasText: "signed-42" }).waitFor({ timeout: 60_000 });

    // The instructor revokes the link: the student's terminal closes and says why.
    await page.getByRole("link", { name: "Back to classes" }).click();
    await page.getByText("Members and sign-ins", { exact: false }).last().click();
    const row = page.locator(`tr[data-login="${login}"]`);
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await studentPage
      .getByText("your token was revoked", { exact: false })
      .waitFor({ timeout: 30_000 });
    await screenshot(studentPage, "student-terminal-revoked");
    await page.locator(`tr[data-login="${login}"]`).getByText("revoked").waitFor();

    // A new link: it signs the student in; the old one is refused, saying why.
    await page
      .locator(`tr[data-login="${login}"]`)
      .getByRole("button", { name: "New link" })
      .click();
    await page.getByRole("dialog").getByRole("button", { name: "Make a new link" }).click();
    const fresh = page.getByRole("region", { name: `New login link of ${login}` }).locator("code");
    const newLink = (await fresh.textContent()) as string;
    expect(newLink).not.toBe(link);
    await page.locator(`tr[data-login="${login}"]`).getByText("active").waitFor();
    await screenshot(page, "class-new-link");
    const again = await e2e.browser.newContext();
    const againPage = await again.newPage();
    await againPage.goto(newLink);
    await againPage.getByRole("heading", { name: "My labs" }).waitFor();
    await againPage.getByRole("link", { name: labId }).waitFor();
    const old = await e2e.browser.newContext();
    const oldPage = await old.newPage();
    await oldPage.goto(link);
    await expect
      .poll(() => oldPage.getByRole("alert").textContent(), { timeout: 30_000 })
      .toContain("the token was revoked");
    await Promise.all([student.close(), again.close(), old.close()]);
  });
});
