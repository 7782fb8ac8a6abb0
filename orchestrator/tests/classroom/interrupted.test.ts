// A new lab whose creation a killed process left unfinished: timed from its first moment, and
// removed (with its clock, and said in the audit log) when the service starts again.
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/api/app.ts";
import { readAudit } from "../../src/store/audit.ts";
import { clockLab, labClock } from "../../src/store/lab-activity.ts";
import { beginCreation, unfinishedCreations } from "../../src/store/lab-creations.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

describe("an interrupted lab creation", () => {
  it("is undone at the next start: no record of the creation, no clock, an audit record", async () => {
    const app = await buildApp({
      engine: new MemoryEngine(),
      dataDir: ":memory:",
      sweepEveryMs: 0,
    });
    // What a process killed in the middle of POST /api/labs leaves in the database.
    beginCreation(app.db, { lab: "demo-ann", owner: "ann", startedAt: 1000 });
    clockLab(app.db, "demo-ann", 1000, undefined, 5000);
    await app.ready(); // the start's reconciliation runs here
    expect(unfinishedCreations(app.db)).toEqual([]);
    expect(labClock(app.db, "demo-ann")).toBeUndefined();
    const destroyed = readAudit(app.db, 10).filter((a) => a.action === "lab.destroy");
    expect(destroyed).toMatchObject([
      {
        actor: "@service",
        target: "demo-ann",
        detail: { reason: "creation interrupted", owner: "ann" },
      },
    ]);
    await app.close();
  });
});
