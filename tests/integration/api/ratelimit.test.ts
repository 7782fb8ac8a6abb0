// Failed tokens are rate-limited per address, valid ones never: past FAILED_TOKENS_PER_MINUTE
// failures an address gets 429 with Retry-After on the REST routes and 4429 on the terminal's
// hello, while a valid token from the same address (a classroom behind one NAT) still works.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { FAILED_TOKENS_PER_MINUTE } from "../../../orchestrator/src/api/plugins/auth.ts";
import { CLOSE } from "../../../orchestrator/src/terminals/protocol.ts";
import { bearer } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";

let h: ApiHarness;
// A token of the right shape that no user holds, and one that is not even that.
const WRONG = [`slt_0000000000000000_${"A".repeat(43)}`, "not-a-token"];

beforeAll(async () => {
  h = await apiHarness(`it-rob-rl-${randomBytes(2).toString("hex")}`);
});

afterAll(async () => {
  await cleanUp(h);
});

/** Every inject comes from `address`, so each test has an address (a counter) of its own. */
const from = (address: string, headers: Record<string, string> = {}) =>
  h.app.inject({ method: "GET", url: "/api/classes", remoteAddress: address, headers });

async function failFrom(address: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    statuses.push((await from(address, bearer(WRONG[i % 2] as string))).statusCode);
  }
  return statuses;
}

/** Opens the terminal of a lab that does not exist and sends `token`; resolves with the close. */
async function terminalHello(address: string, token: string) {
  const socket: WebSocket = await h.app.injectWS("/api/labs/it-rob-none/nodes/client/terminal", {
    socket: { remoteAddress: address },
  } as never);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.send(JSON.stringify({ type: "hello", token, cols: 80, rows: 24 }));
  return closed;
}

describe("failed tokens", () => {
  it("get 429 with Retry-After past the limit, while a valid token from the address works", async () => {
    const address = "10.77.0.1";
    expect(await failFrom(address, FAILED_TOKENS_PER_MINUTE)).toEqual(
      Array(FAILED_TOKENS_PER_MINUTE).fill(401),
    );
    const limited = await from(address, bearer(WRONG[0] as string));
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: "too_many_failed_tokens" });
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.json().message).toContain(`retry in ${retryAfter} s`);

    // Valid tokens are never limited, however many of them come from the address.
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE + 5; i++) {
      expect((await from(address, bearer(h.instructor))).statusCode).toBe(200);
    }
    // ... and they do not clear the address's count either.
    expect((await from(address, bearer(WRONG[1] as string))).statusCode).toBe(429);
  });

  it("are counted per address: another address is not limited", async () => {
    await failFrom("10.77.0.2", FAILED_TOKENS_PER_MINUTE + 1);
    expect((await from("10.77.0.3", bearer(WRONG[0] as string))).statusCode).toBe(401);
  });

  it("are the only requests counted: no token at all and valid tokens are not", async () => {
    const address = "10.77.0.4";
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE + 5; i++) {
      expect((await from(address)).statusCode).toBe(401);
      expect((await from(address, bearer(h.instructor))).statusCode).toBe(200);
    }
    expect((await from(address, bearer(WRONG[0] as string))).statusCode).toBe(401);
  });

  it("on the terminal's hello count too, and are refused with 4429 past the limit", async () => {
    const address = "10.77.0.5";
    for (let i = 0; i < FAILED_TOKENS_PER_MINUTE; i++) {
      expect((await terminalHello(address, WRONG[0] as string)).code).toBe(CLOSE.unauthorized);
    }
    const refused = await terminalHello(address, WRONG[0] as string);
    expect(refused.code).toBe(CLOSE.tooManyFailedTokens);
    expect(refused.reason).toMatch(/retry in \d+ s/);
    // The same count as the REST routes.
    expect((await from(address, bearer(WRONG[0] as string))).statusCode).toBe(429);
    // A valid token passes the sign-in (and then finds no such lab).
    expect((await terminalHello(address, h.instructor)).code).toBe(CLOSE.notFound);
  });

  it("on the REST routes count toward the terminal's limit", async () => {
    const address = "10.77.0.6";
    await failFrom(address, FAILED_TOKENS_PER_MINUTE);
    expect((await terminalHello(address, WRONG[1] as string)).code).toBe(CLOSE.tooManyFailedTokens);
  });

  it("on the public routes are neither counted nor limited (a health probe with a stale token)", async () => {
    const address = "10.77.0.7";
    for (let i = 0; i <= FAILED_TOKENS_PER_MINUTE; i++) {
      const health = await h.app.inject({
        method: "GET",
        url: "/api/health",
        remoteAddress: address,
        headers: bearer(WRONG[0] as string),
      });
      expect(health.statusCode).toBe(200);
    }
    // None of them counted: the address's first failure on a signed-in route is a plain 401.
    expect(await failFrom(address, 1)).toEqual([401]);
  });
});
