// The API's answer to an engine that does not answer: 503 engine_unavailable with the engine's
// message (README: Engines), in a route and in a bulk job's item, not an internal error.
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { installErrorHandler, userMessage } from "../../src/api/errors.ts";
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
