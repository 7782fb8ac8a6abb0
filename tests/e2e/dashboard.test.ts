// The dashboard in a real browser (Debian's chromium, headless) against the real service and
// engine: a student signs in with a login link and works in a terminal; a student cannot open
// another student's lab; a TA sees the class grid and watches a student's terminal live. Every
// page is saved as a screenshot under tests/e2e/artifacts/.
import { readFile } from "node:fs/promises";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cspViolations,
  type E2e,
  screenshot,
  signIn,
  startE2e,
  stopE2e,
  terminalOn,
} from "./browser.ts";

let e2e: E2e;
/** The student's page with a terminal open on their lab's client node, for the watch test. */
let alicePage: Page | null = null;

beforeAll(async () => {
  e2e = await startE2e();
}, 300_000);

afterAll(async () => {
  if (e2e) await stopE2e(e2e);
});

/** The last match of `pattern` in the text of `rows`, once there is one. */
async function shellSays(rows: Locator, pattern: RegExp): Promise<RegExpMatchArray> {
  let found: RegExpMatchArray | undefined;
  await expect
    .poll(
      async () => {
        found = [...((await rows.textContent()) ?? "").matchAll(pattern)].at(-1);
        return found !== undefined;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return found as RegExpMatchArray;
}

describe("the dashboard's files", () => {
  it("answers its page for client routes, 404 for a missing asset, and leaves /api to the API", async () => {
    for (const path of ["/", `/labs/${e2e.labs.alice}`, "/classes"]) {
      const response = await fetch(`${e2e.base}${path}`);
      expect(response.status, path).toBe(200);
      expect(await response.text(), path).toContain('<main id="main"');
    }
    const missing = await fetch(`${e2e.base}/assets/no-such-asset.js`);
    expect(missing.status).toBe(404);
    const api = await fetch(`${e2e.base}/api/no-such-route`);
    expect(api.status).toBe(404);
    expect(await api.json()).toMatchObject({ error: "not_found" });
    const me = await fetch(`${e2e.base}/api/me`, {
      headers: { authorization: `Bearer ${e2e.tokens.ta}` },
    });
    expect(await me.json()).toMatchObject({ login: e2e.logins.ta, role: "ta" });
  });
});

describe("the dashboard in a browser", () => {
  it("shows the sign-in page to a visitor without a token", async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${e2e.base}/labs`);
    await page
      .getByLabel("Access token")
      .fill("slt_0000000000000000_not-a-valid-token-at-all-xxxxxxxxxxxxxxxxx");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent(), { timeout: 30_000 })
      .toContain("not valid");
    await screenshot(page, "login");
    await context.close();
  });

  it("signs a student in with a login link; they type a command in a terminal and see its output", async () => {
    const { page } = await signIn(e2e, e2e.tokens.alice);
    // The token left the address bar and lives in the tab's sessionStorage.
    expect(new URL(page.url()).hash).toBe("");
    expect(await page.evaluate(() => sessionStorage.getItem("socketlab.token"))).toBe(
      e2e.tokens.alice,
    );
    await page.getByRole("heading", { name: "My labs" }).waitFor();
    await page.getByRole("link", { name: e2e.labs.alice }).waitFor();
    await screenshot(page, "student-labs");

    await page.getByRole("link", { name: e2e.labs.alice }).click();
    await page.getByRole("heading", { name: `Lab ${e2e.labs.alice}` }).waitFor();
    await page.getByRole("button", { name: "Open a terminal on client" }).click();
    const { pane, rows } = terminalOn(page, e2e.labs.alice, "client");
    // Typed at once, as people do: what comes before the shell is ready is sent when it is. The
    // command line holds 6*7, never 42: only the shell's output can show hello-42.
    await pane.click();
    await page.keyboard.type("echo hello-$((6*7))\n");
    await rows.filter({ hasText: "hello-42" }).waitFor({ timeout: 60_000 });
    await screenshot(page, "student-lab-terminal");
    // The terminal takes every key, Tab included; Ctrl+Shift+Up leaves it for its tab.
    await page.keyboard.press("Control+Shift+ArrowUp");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("role")))
      .toBe("tab");
    alicePage = page;
  });

  it("fits the terminal to its pane, and a dropped socket rejoins the same shell", async () => {
    const page = alicePage as Page;
    const { pane, rows } = terminalOn(page, e2e.labs.alice, "client");
    let asked = 0;
    const sttySize = async () => {
      const mark = `size${++asked}`;
      await pane.click();
      await page.keyboard.type(`echo ${mark}-$(stty size | tr ' ' x)-end\n`);
      const [, lines, columns] = await shellSays(
        rows,
        new RegExp(`${mark}-(\\d+)x(\\d+)-end`, "g"),
      );
      return { lines: Number(lines), columns: Number(columns) };
    };
    const large = await sttySize();
    await page.setViewportSize({ width: 1000, height: 600 });
    // The pane shrank: the shell's size follows once the browser has sent the new one.
    let small = large;
    await expect
      .poll(
        async () => {
          small = await sttySize();
          return small.columns;
        },
        { timeout: 60_000 },
      )
      .toBeLessThan(large.columns);
    expect(small.lines).toBeLessThan(large.lines);
    await page.setViewportSize({ width: 1366, height: 768 });

    // A variable only this shell has (the line that sets it never shows its value), set for sure
    // before the socket drops.
    await page.keyboard.type("export MARK=kept-$((40+2)); echo set-$((1+1))\n");
    await rows.filter({ hasText: "set-2" }).waitFor({ timeout: 60_000 });
    for (const socket of e2e.app.websocketServer.clients) socket.terminate();
    await page.getByRole("status").filter({ hasText: "reconnecting" }).waitFor({ timeout: 30_000 });
    await page
      .getByRole("status")
      .filter({ hasText: /^connected$/ })
      .waitFor({ timeout: 60_000 });
    await pane.click();
    await page.keyboard.type('echo "mark=$MARK"\n');
    await rows.filter({ hasText: "mark=kept-42" }).waitFor({ timeout: 60_000 });
  });

  it("keeps up with a flood of output: output is paused and resumed, and Ctrl-C stops it", async () => {
    // Every control message the page sends on a WebSocket is kept, to see the pauses.
    const { context, page } = await signIn(e2e, e2e.tokens.bob, () => {
      const sent: string[] = [];
      Object.assign(window, { sentControl: sent });
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (this: WebSocket, data) {
        if (typeof data === "string") sent.push(data);
        send.call(this, data);
      };
    });
    await page.goto(`${e2e.base}/labs/${e2e.labs.bob}`);
    await page.getByRole("button", { name: "Open a terminal on client" }).click();
    const { pane, rows } = terminalOn(page, e2e.labs.bob, "client");
    await pane.click();
    await page.keyboard.type("yes flood\n");
    const types = () =>
      page.evaluate(() =>
        (window as unknown as { sentControl: string[] }).sentControl.map(
          (text) => (JSON.parse(text) as { type: string }).type,
        ),
      );
    await expect.poll(types, { timeout: 60_000 }).toContain("pause");
    await expect.poll(types, { timeout: 60_000 }).toContain("resume");
    await page.keyboard.press("Control+C");
    await page.keyboard.type("echo after-$((40+2))\n");
    await rows.filter({ hasText: "after-42" }).waitFor({ timeout: 120_000 });
    await context.close();
  });

  it("does not let a student open another student's lab: the page says not found, the terminal is refused", async () => {
    const { context, page } = await signIn(e2e, e2e.tokens.alice);
    await page.goto(`${e2e.base}/labs/${e2e.labs.bob}`);
    await page.getByRole("heading", { name: "Lab not found" }).waitFor();
    await screenshot(page, "student-other-lab");
    // The WebSocket from the browser itself, with the student's token, to the other lab's node.
    const code = await page.evaluate(
      ([lab, token]) =>
        new Promise<number>((resolve) => {
          const socket = new WebSocket(
            `ws://${location.host}/api/labs/${lab}/nodes/client/terminal`,
          );
          socket.onopen = () =>
            socket.send(JSON.stringify({ type: "hello", token, cols: 80, rows: 24 }));
          socket.onclose = (event) => resolve(event.code);
        }),
      [e2e.labs.bob, e2e.tokens.alice] as const,
    );
    expect(code).toBe(4404);
    await context.close();
  });

  it("shows a TA the class grid; the TA watches a student's terminal live", async () => {
    const { page } = await signIn(e2e, e2e.tokens.ta);
    await page.getByRole("heading", { name: "Classes" }).waitFor();
    const grid = page.getByRole("list", { name: /^Students of / });
    for (const lab of [e2e.labs.alice, e2e.labs.bob]) {
      await grid.getByRole("link", { name: lab }).waitFor({ timeout: 30_000 });
    }
    await grid.locator(".state-running").nth(1).waitFor();
    await screenshot(page, "ta-class-grid");

    expect(alicePage, "the student's terminal from the test before").not.toBeNull();
    const student = alicePage as Page;

    await grid.getByRole("link", { name: e2e.labs.alice }).click();
    await page.getByRole("heading", { name: `Lab ${e2e.labs.alice}` }).waitFor();
    await page
      .getByRole("button", { name: `Watch ${e2e.logins.alice}'s terminal on client` })
      .first()
      .click({ timeout: 30_000 });
    await page
      .getByRole("status")
      .filter({ hasText: "watching (read-only)" })
      .waitFor({ timeout: 30_000 });
    const watched = terminalOn(page, e2e.labs.alice, "client");
    const theirs = terminalOn(student, e2e.labs.alice, "client");
    // The recent screen is replayed to a new watcher...
    await watched.rows.filter({ hasText: "hello-42" }).waitFor({ timeout: 30_000 });
    // ...and what the student does next shows up live.
    await theirs.pane.click();
    await student.keyboard.type("echo watched-$((7*6))\n");
    await watched.rows.filter({ hasText: "watched-42" }).waitFor({ timeout: 30_000 });
    await screenshot(page, "ta-watching");

    // The TA takes control and types; the student sees it in their own terminal.
    await page.getByRole("button", { name: "Take control" }).click();
    await page.getByRole("button", { name: "Release control" }).waitFor({ timeout: 30_000 });
    await watched.pane.click();
    await page.keyboard.type("echo from-ta-$((40+2))\n");
    await theirs.rows.filter({ hasText: "from-ta-42" }).waitFor({ timeout: 30_000 });
    await screenshot(student, "student-after-take-control");
  });

  it("lets a TA bring a topology up for the whole class, with a progress bar", async () => {
    const { context, page } = await signIn(e2e, e2e.tokens.ta);
    await page.getByLabel("Topology", { exact: true }).selectOption(e2e.topology);
    await page.getByRole("button", { name: "Spin up for the class" }).click();
    // Both students already have this lab: bringing it up again leaves it as it is, and is ready.
    await page.getByRole("status").filter({ hasText: "Done: 2 ready, 0 failed of 2." }).waitFor({
      timeout: 120_000,
    });
    const progress = page.getByRole("progressbar", { name: /^Spin-up progress/ });
    expect(await progress.evaluate((bar) => (bar as HTMLProgressElement).value)).toBe(2);
    await screenshot(page, "ta-spin-up");
    await context.close();
  });

  it("lets a student download a pcap of a network and reset a node after confirming", async () => {
    const page = alicePage as Page;
    await page.getByLabel("Seconds").fill("1");
    const [download] = await Promise.all([
      page.waitForEvent("download", { timeout: 60_000 }),
      page.getByRole("button", { name: "Record and download pcap" }).click(),
    ]);
    const pcap = await readFile((await download.path()) as string);
    // A pcap file's magic number, in either byte order.
    expect(["a1b2c3d4", "d4c3b2a1"]).toContain(pcap.subarray(0, 4).toString("hex"));

    await page.getByRole("button", { name: "Reset server" }).click();
    const dialog = page.getByRole("dialog", { name: "Reset node server?" });
    await screenshot(page, "student-reset-confirmation");
    await dialog.getByRole("button", { name: "Reset" }).click();
    await page.getByRole("status").filter({ hasText: "Reset node server: done." }).waitFor({
      timeout: 120_000,
    });
  });

  it("shows an instructor the labs, the recordings and the audit log", async () => {
    const { context, page } = await signIn(e2e, e2e.instructor);
    await page.getByRole("heading", { name: "Classes" }).waitFor();
    await page.getByRole("link", { name: "Labs", exact: true }).click();
    await page.getByRole("link", { name: e2e.labs.bob }).waitFor();
    await screenshot(page, "instructor-labs");
    await page.getByRole("link", { name: "Recordings" }).click();
    await page.getByLabel("Lab").selectOption(e2e.labs.alice);
    // The student's session, played by asciinema-player in the page, then again at 4× speed from
    // where it was.
    await page.getByRole("button", { name: "Play" }).first().click();
    const screen = page.locator(".player-screen .ap-term");
    await screen.filter({ hasText: "hello-42" }).waitFor({ timeout: 60_000 });
    await page.getByLabel("Speed").selectOption("4");
    await screen.filter({ hasText: "hello-42" }).waitFor({ timeout: 60_000 });
    await screenshot(page, "instructor-recordings");
    await page.getByRole("link", { name: "Audit log" }).click();
    // The audit log records the students' sign-ins.
    await page.getByRole("cell", { name: e2e.logins.alice }).first().waitFor();
    await screenshot(page, "instructor-audit");
    await context.close();
  });

  it("ran every page without a refusal of the Content Security Policy", () => {
    expect(cspViolations).toEqual([]);
  });
});
