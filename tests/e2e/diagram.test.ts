// The lab page's diagram, laid out by elkjs, measured in Debian's chromium at 1366x768 for every
// lab of the library (the 14-node services lab among them): every label is drawn at 11 px or
// more and no two labels overlap. The page is the real dashboard against the real service; the
// lab's own answers (its status, handout and last checks) are made from the library topology by
// the service's own planner and handout code, so that every library lab is drawn without
// bringing fourteen labs up on the engine.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../orchestrator/src/classroom/bootstrap.ts";
import { Library } from "../../orchestrator/src/classroom/library.ts";
import { subnetPool } from "../../orchestrator/src/config.ts";
import { libraryHandout } from "../../orchestrator/src/handout/library.ts";
import { TOPOLOGIES_DIR } from "../../orchestrator/src/paths.ts";
import { planLab } from "../../orchestrator/src/plan/plan.ts";
import { labValues } from "../../orchestrator/src/plan/values.ts";
import { loadTopologyFile } from "../../orchestrator/src/roles/load.ts";
import { buildDashboard, launchBrowser } from "../../support/browser.ts";
import { testEngine } from "../integration/engine.ts";
import { cspViolations, screenshot, signIn } from "./browser.ts";
import { diagramLabels, overlappingLabels } from "./diagram-labels.ts";

const labs = readdirSync(TOPOLOGIES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let app: App;
let browser: Browser;
let base = "";
let token = "";
let dashboardDir = "";

beforeAll(async () => {
  dashboardDir = await buildDashboard();
  process.env.SOCKETLAB_DASHBOARD_DIR = dashboardDir;
  app = await buildApp({
    engine: await testEngine(),
    dataDir: ":memory:",
    libraryDir: TOPOLOGIES_DIR,
  });
  token = ensureInstructor(app.db) as string;
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(dashboardDir, { recursive: true, force: true });
});

/** The lab's answers as the service gives them for a lab of `topology` whose nodes all run. */
async function labAnswers(topology: string) {
  const loaded = await loadTopologyFile(join(TOPOLOGIES_DIR, topology, "topology.yaml"));
  if (!loaded.ok) throw new Error(`${topology} does not load`);
  const lab = `it-diagram-${topology}`.slice(0, 40).replace(/-$/, "");
  const planned = planLab(loaded.topology, {
    lab,
    owner: "sam",
    pool: subnetPool({}),
    taken: [],
    existing: {},
    values: labValues(loaded.topology.values, {}, randomBytes),
  });
  if (!planned.ok) throw new Error(planned.error);
  const { plan } = planned;
  const networks = plan.networks.map((n) => ({
    name: n.name,
    subnet: n.subnet,
    sniffable: n.sniffable,
    present: true,
  }));
  const status = {
    lab,
    owner: "sam",
    topology,
    state: "running",
    networks,
    nodes: plan.nodes.map((n) => ({
      name: n.name,
      state: "running",
      image: n.image,
      addresses: Object.fromEntries(n.endpoints.map((e) => [e.network, e.address])),
    })),
    expiresAt: null,
    expiring: false,
    idleStopAt: null,
  };
  const handout = {
    lab,
    topology,
    ...(await libraryHandout(new Library(TOPOLOGIES_DIR), topology, networks)),
  };
  return { lab, status, handout, nodes: plan.nodes.length };
}

async function openLab(page: Page, topology: string) {
  const answers = await labAnswers(topology);
  const path = `/api/labs/${answers.lab}`;
  await page.route(`${base}${path}**`, (route) => {
    const url = new URL(route.request().url());
    const body =
      url.pathname === path
        ? answers.status
        : url.pathname === `${path}/handout`
          ? answers.handout
          : url.pathname === `${path}/terminals`
            ? []
            : url.pathname === `${path}/checks/last`
              ? { ranAt: null, results: [] }
              : null;
    return body === null
      ? route.fulfill({ status: 404, json: { error: "not_found", message: "not here" } })
      : route.fulfill({ json: body });
  });
  await page.goto(`${base}/labs/${answers.lab}`);
  await page.locator("svg.diagram .node").first().waitFor();
  return answers;
}

describe("the lab diagram at 1366x768", () => {
  it("includes the 14-node services lab", async () => {
    expect(labs).toContain("services");
    expect((await labAnswers("services")).nodes).toBeGreaterThanOrEqual(14);
  });

  it.each(labs)(
    "draws %s with every label at 11 px or more and none overlapping",
    async (topology) => {
      const { context, page } = await signIn({ browser, base }, token);
      const answers = await openLab(page, topology);
      const boxes = await diagramLabels(page);
      // Each node's name and role, each network's name and subnet, each address.
      const addresses = answers.status.nodes.reduce(
        (n, node) => n + Object.keys(node.addresses).length,
        0,
      );
      expect(boxes.length).toBe(
        2 * answers.status.nodes.length + 2 * answers.status.networks.length + addresses,
      );
      expect(boxes.filter((b) => b.px < 11).map((b) => `${b.text}: ${b.px}px`)).toEqual([]);
      expect(overlappingLabels(boxes)).toEqual([]);
      if (topology === "services" || topology === "dns-remote-kaminsky") {
        await screenshot(page, `diagram-${topology}`);
      }
      await context.close();
    },
  );

  it("zooms and pans, with the buttons and the keyboard", async () => {
    const { context, page } = await signIn({ browser, base }, token);
    await openLab(page, "services");
    const viewBox = () => page.locator("svg.diagram").getAttribute("viewBox");
    const zoom = page.locator(".zoom-level");
    expect(await zoom.textContent()).toBe("100 %");
    const before = (await viewBox())?.split(" ").map(Number) as number[];
    await page.getByRole("button", { name: "Zoom in" }).click();
    expect(await zoom.textContent()).toBe("125 %");
    const zoomed = (await viewBox())?.split(" ").map(Number) as number[];
    expect(zoomed[2]).toBeCloseTo((before[2] as number) / 1.25, 3);
    await page.getByRole("group", { name: /^Diagram: drag/ }).focus();
    await page.keyboard.press("ArrowRight");
    const panned = (await viewBox())?.split(" ").map(Number) as number[];
    expect(panned[0]).toBeCloseTo((zoomed[0] as number) + 60 / 1.25, 3);
    await page.keyboard.press("-");
    expect(await zoom.textContent()).toBe("100 %");
    await page.getByRole("button", { name: "Fit the whole lab" }).click();
    expect(await zoom.textContent()).not.toBe("100 %");
    await context.close();
  });

  it("ran every page without a refusal of the Content Security Policy", () => {
    expect(cspViolations).toEqual([]);
  });
});
