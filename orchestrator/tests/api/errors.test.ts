// The API's answer to an engine that does not answer: 503 engine_unavailable with the engine's
// message (docs/operator.md: Engines), in a route and in a bulk job's item, not an internal error.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { installErrorHandler } from "../../src/api/errors.ts";
import {
  InvalidInputError,
  QuotaError,
  UnavailableError,
  userMessage,
} from "../../src/classroom/errors.ts";
import { EngineDownError } from "../../src/engines/engines.ts";
import { EngineUnavailableError } from "../../src/runtime/engine.ts";

const down = new EngineDownError("side", "lab x is on engine side, which does not answer");

describe("an engine that does not answer", () => {
  it("is answered 503 engine_unavailable with the pool's message", async () => {
    const app = Fastify();
    installErrorHandler(app);
    app.get("/down", async () => {
      throw down;
    });
    app.get("/broken", async () => {
      throw new Error("a detail no client should see");
    });
    const answer = await app.inject({ method: "GET", url: "/down" });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({ error: "engine_unavailable", message: down.message });
    // Any other error stays a bare 500: the mapping is the engine's error only.
    const broken = await app.inject({ method: "GET", url: "/broken" });
    expect(broken.statusCode).toBe(500);
    expect(broken.json().error).toBe("internal");
    await app.close();
  });

  it("gives bulk jobs the engine's message", () => {
    expect(userMessage(down)).toBe(down.message);
    expect(userMessage(new EngineUnavailableError("no engine answers"))).toBe("no engine answers");
    expect(userMessage(new Error("internal detail"))).toBeNull();
  });
});

describe("the classroom's refusals", () => {
  it("are answered with their kind's status, their code and the fields at fault", async () => {
    const app = Fastify();
    installErrorHandler(app);
    app.get("/quota", async () => {
      throw new QuotaError("ann holds 3 labs, a student's quota; destroy one first");
    });
    app.get("/ttl", async () => {
      throw new InvalidInputError("ttl must be a duration", [{ path: "body.ttl", message: "30m" }]);
    });
    app.get("/stopping", async () => {
      throw new UnavailableError("shutting_down", "the service is shutting down");
    });
    const quota = await app.inject({ method: "GET", url: "/quota" });
    expect([quota.statusCode, quota.json()]).toEqual([
      409,
      {
        error: "quota_exceeded",
        message: "ann holds 3 labs, a student's quota; destroy one first",
      },
    ]);
    const ttl = await app.inject({ method: "GET", url: "/ttl" });
    expect([ttl.statusCode, ttl.json()]).toEqual([
      400,
      {
        error: "invalid_request",
        message: "ttl must be a duration",
        fields: [{ path: "body.ttl", message: "30m" }],
      },
    ]);
    const stopping = await app.inject({ method: "GET", url: "/stopping" });
    expect([stopping.statusCode, stopping.json().error]).toEqual([503, "shutting_down"]);
    await app.close();
  });
});
