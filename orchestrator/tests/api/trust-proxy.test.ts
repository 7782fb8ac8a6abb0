// trustProxy: behind a reverse proxy the client's address comes from X-Forwarded-For, for the
// failed-token limit and the audit, but only when the proxy's address is trusted.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { bearer } from "../../../tests/support/api.ts";
import { type App, buildApp } from "../../src/api/app.ts";
import { FAILED_TOKENS_PER_MINUTE } from "../../src/api/plugins/auth.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

const BAD_TOKEN = `slt_${"0".repeat(16)}_${"A".repeat(43)}`;
let app: App | undefined;

async function appTrusting(trustProxy?: boolean | string[]): Promise<App> {
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-library-"));
  app = await buildApp({
    engine: new MemoryEngine(),
    dataDir: ":memory:",
    libraryDir,
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  return app;
}

/** GET /api/me with `token`, as if a proxy passed it on from `client`. */
const me = (target: App, token: string, client: string) =>
  target.inject({
    method: "GET",
    url: "/api/me",
    headers: { ...bearer(token), "x-forwarded-for": client },
  });

function loginAddresses(target: App): string[] {
  const rows = target.db.prepare("SELECT detail FROM audit WHERE action = 'login'").all() as {
    detail: string;
  }[];
  return rows.map((row) => (JSON.parse(row.detail) as { ip: string }).ip);
}

afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("trustProxy", () => {
  it("audits the forwarded client's address when the proxy is trusted", async () => {
    const target = await appTrusting(["127.0.0.1"]);
    const instructor = ensureInstructor(target.db) as string;
    expect((await me(target, instructor, "203.0.113.7")).statusCode).toBe(200);
    expect(loginAddresses(target)).toEqual(["203.0.113.7"]);
  });

  it("audits the peer's address, whatever X-Forwarded-For says, when no proxy is trusted", async () => {
    for (const trust of [undefined, false, ["10.0.0.1"]] as const) {
      const target = await appTrusting(trust === undefined ? undefined : [...(trust || [])]);
      const instructor = ensureInstructor(target.db) as string;
      expect((await me(target, instructor, "203.0.113.7")).statusCode).toBe(200);
      expect(loginAddresses(target), String(trust)).toEqual(["127.0.0.1"]);
      await target.close();
    }
  });

  it("limits failed tokens per forwarded client behind a trusted proxy", async () => {
    const target = await appTrusting(["127.0.0.1"]);
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; i++) {
      expect((await me(target, BAD_TOKEN, "203.0.113.7")).statusCode).toBe(401);
    }
    expect((await me(target, BAD_TOKEN, "203.0.113.7")).statusCode).toBe(429);
    // Another student behind the same proxy is not locked out.
    expect((await me(target, BAD_TOKEN, "203.0.113.8")).statusCode).toBe(401);
  });

  it("limits failed tokens per peer when no proxy is trusted, forwarded or not", async () => {
    const target = await appTrusting();
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; i++) {
      expect((await me(target, BAD_TOKEN, `203.0.113.${i}`)).statusCode).toBe(401);
    }
    expect((await me(target, BAD_TOKEN, "203.0.113.200")).statusCode).toBe(429);
  });
});
