// The dashboard in a real browser, as the browser tests and the benchmarks drive it: a build of
// the dashboard of their own, and Debian's chromium.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { build } from "vite";
import { REPO_ROOT } from "../orchestrator/src/paths.ts";

const CHROMIUM = "/usr/bin/chromium";

/**
 * Builds the dashboard from its current sources into a folder of this run's own, which the service
 * then serves: never a stale build, and no clash with a build or a service using dashboard/dist.
 */
export async function buildDashboard(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), "sl-e2e-dashboard-"));
  await build({
    configFile: join(REPO_ROOT, "dashboard", "vite.config.ts"),
    build: { outDir, emptyOutDir: true },
    logLevel: "warn",
  });
  return outDir;
}

/** Debian's chromium, headless; launch() gives every run a fresh, temporary user-data directory. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
