// The browser and the service for the end-to-end tests: Debian's chromium driven by
// playwright-core, and the real service (with the built dashboard) on a free loopback port, on the
// real engine, with a class of two students and a TA, each student with a lab of a two-node
// topology named `it-e2e-<run>` (so that lab ids start with `it-e2e`).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { type App, type AppOptions, buildApp } from "../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../orchestrator/src/classroom/bootstrap.ts";
import { downLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { listLabs } from "../../orchestrator/src/labs/status.ts";
import { REPO_ROOT } from "../../orchestrator/src/paths.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { buildDashboard, launchBrowser } from "../../support/browser.ts";
import type { ApiHarness } from "../integration/api/app.ts";
import { testEngine } from "../integration/engine.ts";
import { bearer } from "../support/api.ts";

export const ARTIFACTS = join(REPO_ROOT, "tests", "e2e", "artifacts");

export const TOPOLOGY = (name: string) => `name: ${name}
description: two nodes on one network, for the dashboard's browser tests
networks:
  lan:
    subnet: 10.10.0.0/24
nodes:
  client:
    networks: { lan: .10 }
  server:
    networks: { lan: .20 }
`;

export interface E2e extends ApiHarness {
  /** http://127.0.0.1:PORT */
  base: string;
  browser: Browser;
  tokens: { alice: string; bob: string; ta: string };
  logins: { alice: string; bob: string; ta: string };
  labs: { alice: string; bob: string };
  /** This run's build of the dashboard. */
  dashboardDir: string;
}

export interface E2eOptions {
  /** The topology's YAML for its name (default: the two nodes above). */
  topology?: (name: string) => string;
  /** The service's options (a clock a test moves, lifetimes). */
  app?: Pick<AppOptions, "now" | "lifetime" | "sweepEveryMs">;
}

export async function startE2e(options: E2eOptions = {}): Promise<E2e> {
  const dashboardDir = await buildDashboard();
  process.env.SOCKETLAB_DASHBOARD_DIR = dashboardDir;
  const topology = `it-e2e-${randomBytes(2).toString("hex")}`;
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-e2e-library-"));
  await mkdir(join(libraryDir, topology));
  await writeFile(
    join(libraryDir, topology, "topology.yaml"),
    (options.topology ?? TOPOLOGY)(topology),
  );
  const engine = await testEngine();
  // Warnings and errors reach the test output: a failure on the service side says why.
  const app = await buildApp({
    engine,
    dataDir: ":memory:",
    libraryDir,
    logger: { level: "warn" },
    ...options.app,
  });
  try {
    return await populate(app, engine, topology, libraryDir, dashboardDir);
  } catch (error) {
    await removeRun(app, engine, topology, [dashboardDir, libraryDir]);
    throw error;
  }
}

/** Listens, creates the class and the students' labs, and starts the browser. */
async function populate(
  app: App,
  engine: Engine,
  topology: string,
  libraryDir: string,
  dashboardDir: string,
): Promise<E2e> {
  const instructor = ensureInstructor(app.db) as string;
  await app.listen({ port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const created = await app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(instructor),
    payload: {
      name: `Class ${topology}`,
      students: [
        { name: "Alice Example", id: `alice-${topology.slice(-4)}` },
        { name: "Bob Example", id: `bob-${topology.slice(-4)}` },
      ],
      tas: [`Tara ${topology.slice(-4)}`],
    },
  });
  if (created.statusCode !== 201) throw new Error(`class: ${created.statusCode} ${created.body}`);
  const roster = created.json() as {
    students: { login: string; token: string }[];
    tas: { login: string; token: string }[];
  };
  const [alice, bob] = roster.students as [
    { login: string; token: string },
    { login: string; token: string },
  ];
  const ta = roster.tas[0] as { login: string; token: string };
  const labFor = async (owner: string) => {
    const response = await app.inject({
      method: "POST",
      url: "/api/labs",
      headers: bearer(instructor),
      payload: { topology, owner },
    });
    if (response.statusCode !== 201)
      throw new Error(`lab: ${response.statusCode} ${response.body}`);
    return (response.json() as { lab: string }).lab;
  };
  const [aliceLab, bobLab] = await Promise.all([labFor(alice.login), labFor(bob.login)]);

  const browser = await launchBrowser();
  await mkdir(ARTIFACTS, { recursive: true });
  return {
    app,
    engine,
    instructor,
    topology,
    libraryDir,
    base,
    browser,
    tokens: { alice: alice.token, bob: bob.token, ta: ta.token },
    logins: { alice: alice.login, bob: bob.login, ta: ta.login },
    labs: { alice: aliceLab, bob: bobLab },
    dashboardDir,
  };
}

/** Closes the browser, stops the service, takes the run's labs down and removes its files. */
export async function stopE2e(e2e: E2e): Promise<void> {
  await e2e.browser.close();
  await removeRun(e2e.app, e2e.engine, e2e.topology, [e2e.dashboardDir, e2e.libraryDir]);
}

/** Every lab of the run's topology goes, even one whose creation failed half-way. */
async function removeRun(app: App, engine: Engine, topology: string, dirs: string[]) {
  await app.close();
  const labs = (await listLabs(engine)).filter((lab) => lab.topology === topology);
  await Promise.all(labs.map((lab) => downLab(engine, lab.lab)));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** What the service's Content Security Policy refused in this file's pages (Chromium's reports). */
export const cspViolations: string[] = [];

/** Keeps the page's reports of what the Content Security Policy refused. */
export function watchCsp(page: Page): void {
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) cspViolations.push(message.text());
  });
}

/** A new browser profile's page on a laptop-sized screen, signed in through a login link. */
export async function signIn(
  e2e: Pick<E2e, "browser" | "base">,
  token: string,
  /** Runs in every page of the profile before the dashboard's own scripts. */
  init?: () => void,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await e2e.browser.newContext({ viewport: { width: 1366, height: 768 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  // The page's own errors reach the test output: a failing step then says why.
  page.on("pageerror", (error) => console.error(`browser: ${error.message}`));
  watchCsp(page);
  await page.goto(`${e2e.base}/#token=${encodeURIComponent(token)}`);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The terminal of `lab`/`node` in the page: its pane (to click into) and its rows (xterm.js's DOM renderer, to read). */
export function terminalOn(page: Page, lab: string, node: string) {
  const pane = page.locator(`[aria-label="Terminal on ${lab}/${node}"]`);
  return { pane, rows: pane.locator(".xterm-rows") };
}
