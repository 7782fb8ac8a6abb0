// The gradebook in a real browser against the real service and engine, with the service's clock
// moved rather than waited for: the instructor checks the whole class from the Classes page and
// the grid shows each student's results; the deadline they set runs every student's checks once
// and freezes the grid (a student's later run changes nothing); the CSV and JSON downloads have
// a row per student and a column per check, plus the score; a student reads their own history on
// their lab's page, a late run marked as not counted.
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sh } from "../integration/engine.ts";
import { bearer } from "../support/api.ts";
import { type E2e, screenshot, signIn, startE2e, stopE2e, TOPOLOGY } from "./browser.ts";

const HOUR = 3600_000;
let clock = Date.now();
let e2e: E2e;
let page: Page;

/** The browser tests' two nodes, with one check inside a node and one from the probe. */
const WITH_CHECKS = (name: string) => `${TOPOLOGY(name)}checks:
  - id: done-file
    task: "server's /root/done.txt says done"
    node: server
    command: "grep -qx done /root/done.txt"
  - id: web
    task: "server answers HTTP on port 8000"
    vantage: probe
    networks: [lan]
    command: "curl -fsS --max-time 3 -o /dev/null http://server:8000/"
`;

/** The grid's row of a student: its cells' texts by check, and the score. */
async function row(login: string) {
  const tr = page.locator(`table.grades tr[data-login="${login}"]`);
  const cell = async (check: string) =>
    (
      (await tr
        .locator(`td[data-check="${check}"] .badge, td[data-check="${check}"].not-run`)
        .first()
        .textContent()) ?? ""
    ).trim();
  return {
    "done-file": await cell("done-file"),
    web: await cell("web"),
    score: ((await tr.locator("td.score").textContent()) ?? "").trim(),
  };
}

/** YYYY-MM-DDTHH:MM in this machine's zone, as a datetime-local input takes it (the browser's too). */
function localInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}

beforeAll(async () => {
  // No idle stop: the moved clock would stop the labs, and with them the student's server.
  e2e = await startE2e({
    topology: WITH_CHECKS,
    app: { now: () => clock, sweepEveryMs: 0, lifetime: { idleStop: null } },
  });
  const done = await sh(
    e2e.engine,
    e2e.labs.alice,
    "server",
    "echo done > /root/done.txt; cd /root && setsid python3 -m http.server 8000 </dev/null >/dev/null 2>&1 & sleep 1",
  );
  expect(done.exitCode).toBe(0);
  ({ page } = await signIn(e2e, e2e.instructor));
}, 300_000);

afterAll(async () => {
  if (e2e) await stopE2e(e2e);
});

describe("the gradebook in a browser", () => {
  it("checks the whole class from the Classes page; the grid shows each student's results", async () => {
    await page.getByRole("link", { name: "Classes" }).click();
    const grades = page.getByRole("region", { name: /^Grades of / });
    await grades.getByRole("table").waitFor();
    expect(await row(e2e.logins.alice)).toEqual({
      "done-file": "not run",
      web: "not run",
      score: "0/2",
    });
    expect(await grades.locator("th", { hasText: "done-file" }).textContent()).toContain(
      "(in node)",
    );
    expect(await grades.locator("th", { hasText: "web" }).textContent()).not.toContain("(in node)");

    await grades.getByRole("button", { name: "Check the whole class now" }).click();
    await expect
      .poll(() => grades.getByRole("status").textContent(), { timeout: 60_000 })
      .toContain("Checked 2 of 2");
    await expect
      .poll(() => row(e2e.logins.alice), { timeout: 10_000 })
      .toEqual({ "done-file": "pass", web: "pass", score: "2/2" });
    expect(await row(e2e.logins.bob)).toEqual({ "done-file": "fail", web: "fail", score: "0/2" });
    await screenshot(page, "grades-checked");
  });

  it("freezes the grid at the deadline: a student's later run changes nothing", async () => {
    const grades = page.getByRole("region", { name: /^Grades of / });
    await grades.getByLabel("Deadline").fill(localInput(clock + HOUR));
    await grades.getByRole("button", { name: "Set deadline" }).click();
    await expect
      .poll(() => grades.getByRole("status").textContent(), { timeout: 10_000 })
      .toContain("Deadline for");
    await grades.getByText("later runs do not count").waitFor();

    clock += 2 * HOUR;
    await e2e.app.sweeper.sweep();
    await sh(e2e.engine, e2e.labs.bob, "server", "echo done > /root/done.txt");
    const late = await e2e.app.inject({
      method: "GET",
      url: `/api/labs/${e2e.labs.bob}/checks`,
      headers: bearer(e2e.tokens.bob),
    });
    expect(late.json()).toContainEqual(expect.objectContaining({ id: "done-file", passed: true }));

    await page.reload();
    await grades.getByText("the grades are frozen").waitFor({ timeout: 30_000 });
    expect(await row(e2e.logins.alice)).toEqual({ "done-file": "pass", web: "pass", score: "2/2" });
    expect(await row(e2e.logins.bob)).toEqual({ "done-file": "fail", web: "fail", score: "0/2" });
    await screenshot(page, "grades-frozen");
  });

  it("downloads the grid as CSV and JSON: a row per student, a column per check, the score", async () => {
    const grades = page.getByRole("region", { name: /^Grades of / });
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      grades.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`grades-${e2e.topology}.csv`);
    const text = await readFile((await csv.path()) as string, "utf8");
    expect(text.split("\r\n")).toEqual([
      "login,name,done-file,web,score,of",
      `${e2e.logins.alice},Alice Example,pass,pass,2,2`,
      `${e2e.logins.bob},Bob Example,fail,fail,0,2`,
      "",
    ]);
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      grades.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const grid = JSON.parse(await readFile((await json.path()) as string, "utf8")) as {
      frozen: boolean;
      checks: { id: string }[];
      students: { login: string; score: number }[];
    };
    expect(grid.frozen).toBe(true);
    expect(grid.checks.map((c) => c.id)).toEqual(["done-file", "web"]);
    expect(grid.students.map((s) => [s.login, s.score])).toEqual([
      [e2e.logins.alice, 2],
      [e2e.logins.bob, 0],
    ]);
  });

  it("shows a student their own history on their lab's page, the late run not counted", async () => {
    const { page: bob, context } = await signIn(e2e, e2e.tokens.bob);
    await bob.goto(`${e2e.base}/labs/${e2e.labs.bob}`);
    const history = bob.locator("details.check-history");
    await history.locator("summary").click();
    const table = history.getByRole("table", { name: "Check history" });
    await table.waitFor({ timeout: 30_000 });
    const rows = await table.locator("tbody tr").allTextContents();
    expect(
      rows.some((r) => r.includes("done-file") && r.includes("pass") && r.includes("not counted")),
    ).toBe(true);
    expect(rows.some((r) => r.includes("@deadline"))).toBe(true);
    expect(rows.some((r) => r.includes(e2e.logins.alice))).toBe(false);
    await screenshot(bob, "grades-history");
    await context.close();
  });
});
