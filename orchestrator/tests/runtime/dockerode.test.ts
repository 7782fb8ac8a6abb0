// The dockerode adapter against a stand-in engine on a unix socket: Docker's refusals come back
// as EngineRequestError with its status and its own message, and a socket nobody listens on
// fails as the connection does (no status: not taken for a missing object).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerodeEngine } from "../../src/runtime/docker/dockerode.ts";
import { EngineRequestError } from "../../src/runtime/docker/port.ts";
import { errorMessage, isNotFound } from "../../src/runtime/engine.ts";
import { type FakeEngine, fakeEngine } from "../engines/fake-engine.ts";

let dir = "";
let failing: FakeEngine;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-dockerode-"));
  failing = await fakeEngine(join(dir, "failing.sock"), "failing");
});

afterAll(async () => {
  await failing?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the dockerode adapter", () => {
  it("pings, and turns a refusal into Docker's status and message", async () => {
    const engine = dockerodeEngine({ socketPath: join(dir, "failing.sock") });
    await expect(engine.ping()).resolves.toBeUndefined();
    const refusal = await engine.volumes.list({ labels: ["x"] }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(EngineRequestError);
    expect(refusal).toMatchObject({ statusCode: 500, message: "listing broken" });
    expect(isNotFound(refusal)).toBe(false);
  });

  it("lets a connection failure through as it is", async () => {
    const engine = dockerodeEngine({ socketPath: join(dir, "nobody.sock") });
    const failure = await engine.ping().catch((error: unknown) => error);
    expect(failure).not.toBeInstanceOf(EngineRequestError);
    expect(errorMessage(failure)).toMatch(/ENOENT|ECONNREFUSED/);
    expect(isNotFound(failure)).toBe(false);
  });
});
