// The dashboard plugin: pages, assets and the API's own 404s, and a build made while the service
// runs is served without a restart.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { offlineApp, type TestApp } from "./helpers.ts";

let dist: string;
let t: TestApp;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), "sl-dashboard-"));
  process.env.SOCKETLAB_DASHBOARD_DIR = dist;
  t = await offlineApp();
});

afterAll(async () => {
  delete process.env.SOCKETLAB_DASHBOARD_DIR;
  await t.app.close();
});

const get = (url: string) => t.app.inject({ method: "GET", url });

describe("the dashboard", () => {
  it("answers 503 naming set-up while it is not built, then serves the build made meanwhile", async () => {
    const before = await get("/labs/alice-demo");
    expect(before.statusCode).toBe(503);
    expect(before.json().message).toContain("scripts/setup.sh");

    await mkdir(join(dist, "assets"));
    await writeFile(join(dist, "index.html"), "<title>socketlab</title>");
    await writeFile(join(dist, "assets", "app-1a2b.js"), "console.log(1)");

    const page = await get("/labs/alice-demo");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>socketlab</title>");
    expect(page.headers["cache-control"]).toBe("no-cache");
    const asset = await get("/assets/app-1a2b.js");
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
  });

  it("answers 404 for a missing asset and an unknown API path, never the page", async () => {
    expect((await get("/assets/app-old.js")).statusCode).toBe(404);
    const api = await get("/api/no-such-route");
    expect(api.statusCode).toBe(404);
    expect(api.headers["content-type"]).toContain("application/json");
  });

  it("sends security headers with a policy that allows only its own files, never framed", async () => {
    const page = await get("/labs/alice-demo");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    expect(page.headers["x-frame-options"]).toBe("SAMEORIGIN");
    const policy = String(page.headers["content-security-policy"]).split(";");
    expect(policy).toEqual(
      expect.arrayContaining([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'", // no JavaScript eval: only WebAssembly's
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
      ]),
    );
    // The API's answers carry them too.
    const api = await get("/api/health");
    expect(api.headers["content-security-policy"]).toBe(page.headers["content-security-policy"]);
    expect(api.headers["strict-transport-security"]).toBeUndefined();
  });

  it("serves nothing outside its folder", async () => {
    const escaped = await get("/..%2f..%2fetc%2fpasswd");
    expect(escaped.body).not.toContain("root:");
  });
});
