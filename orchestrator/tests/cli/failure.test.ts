// What the CLI prints and exits with for each kind of error: core messages name no command, the
// CLI's hint does.
import { describe, expect, it } from "vitest";
import {
  ConflictError,
  InvalidInputError,
  notFound,
  QuotaError,
  UnavailableError,
} from "../../src/classroom/errors.ts";
import { UsageError } from "../../src/cli/args.ts";
import { describeFailure } from "../../src/cli/failure.ts";
import { LabRequestError, LabUpError } from "../../src/labs/lifecycle.ts";
import { EngineUnavailableError } from "../../src/runtime/engine.ts";

describe("the CLI's failures", () => {
  it("exit 2 for what is wrong as written, 1 for the other refusals", () => {
    expect(describeFailure(new UsageError("unknown command 'x'")).status).toBe(2);
    expect(describeFailure(new InvalidInputError("ttl must be a duration")).status).toBe(2);
    for (const error of [
      notFound("lab x"),
      new ConflictError("topology_invalid", "library topology x does not load"),
      new QuotaError("ann holds 3 labs, a student's quota; destroy one first"),
      new UnavailableError("no_engine", "no engine takes new labs"),
    ]) {
      expect(describeFailure(error)).toEqual({
        message: error.message,
        hint: null,
        status: 1,
        unexpected: false,
      });
    }
  });

  it("give the command that helps as a hint, never in the message", () => {
    const upFailed = new LabUpError("lab x could not be brought up: boom", {
      remedy: { action: "down", lab: "x" },
    });
    expect(describeFailure(upFailed)).toMatchObject({
      hint: "run 'socketlab down x'",
      status: 1,
    });
    const notRunning = new LabRequestError("node web of lab x is not running; reset it", {
      remedy: { action: "reset", lab: "x", node: "web" },
    });
    expect(describeFailure(notRunning).hint).toBe("reset it with 'socketlab reset x web'");
    const kept = new LabUpError("lab x did not converge", {
      remedy: { action: "status", lab: "x" },
    });
    expect(describeFailure(kept).hint).toBe("see 'socketlab status x'");
    expect(describeFailure(new LabRequestError("no lab 'x' on this engine")).hint).toBeNull();
  });

  it("keep an engine's message and mark only unwritten errors as unexpected", () => {
    expect(describeFailure(new EngineUnavailableError("no Docker engine answers"))).toEqual({
      message: "no Docker engine answers",
      hint: null,
      status: 1,
      unexpected: false,
    });
    expect(describeFailure(new Error("ENOENT"))).toMatchObject({ status: 1, unexpected: true });
  });
});
