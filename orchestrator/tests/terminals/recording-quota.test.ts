import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { terminalsFromEnv } from "../../src/config.ts";
import { openDb } from "../../src/store/db.ts";
import { recordedBytesByOwner, recordingById } from "../../src/store/recordings.ts";
import { Recorder } from "../../src/terminals/recorder.ts";
import { RecordingQuota } from "../../src/terminals/recording-quota.ts";

const MIB = 1024 * 1024;

describe("RecordingQuota", () => {
  it("admits bytes until the user's quota, counting what they stored", () => {
    const quota = new RecordingQuota(
      { perUserBytes: 10 * MIB, totalBytes: null },
      new Map([["ann", 8 * MIB]]),
    );
    expect(quota.take("ann", MIB)).toBeNull();
    expect(quota.take("ann", MIB)).toBeNull();
    expect(quota.take("ann", 1)).toBe("your recordings reached their quota of 10 MiB");
    expect(quota.usage("ann")).toBe(10 * MIB);
    // Another user is not held by ann's.
    expect(quota.take("bob", 5 * MIB)).toBeNull();
  });

  it("admits bytes until the total quota, whoever writes them", () => {
    const quota = new RecordingQuota(
      { perUserBytes: null, totalBytes: 4 * MIB },
      new Map([["ann", 2 * MIB]]),
    );
    expect(quota.take("bob", MIB)).toBeNull();
    expect(quota.take("cy", MIB + 1)).toBe("the service's recordings reached their quota of 4 MiB");
    expect(quota.take("cy", MIB)).toBeNull();
  });

  it("keeps live bytes when a recording ends, and frees them when the stored ones are deleted", () => {
    const quota = new RecordingQuota({ perUserBytes: 3 * MIB, totalBytes: null }, new Map());
    expect(quota.take("ann", 2 * MIB)).toBeNull();
    quota.finished("ann", 2 * MIB);
    expect(quota.usage("ann")).toBe(2 * MIB);
    expect(quota.take("ann", 2 * MIB)).not.toBeNull();
    // Retention deleted ann's stored recording: only what lives still counts.
    expect(quota.take("ann", MIB / 2)).toBeNull();
    quota.restore(new Map());
    expect(quota.usage("ann")).toBe(MIB / 2);
    expect(quota.take("ann", 2 * MIB)).toBeNull();
  });
});

describe("a recording at its quota", () => {
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "sl-quota-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("stops once, says why, is marked truncated, and counts as stored when it ends", async () => {
    const db = openDb(":memory:");
    const quota = new RecordingQuota({ perUserBytes: 4096, totalBytes: null }, new Map());
    const stops: string[] = [];
    const recorder = new Recorder(
      {
        db,
        dir,
        recordInput: false,
        maxBytes: MIB,
        quota,
        now: () => 0,
        log: () => {},
        stopped: (reason) => stops.push(reason),
      },
      {
        id: "0123456789abcdef0123456789abcdef",
        lab: "lab",
        node: "node",
        owner: "ann",
        labOwner: "ann",
        cols: 80,
        rows: 24,
        startedAt: 0,
      },
    );
    for (let i = 0; i < 100; i++) recorder.output(Buffer.from("y\n".repeat(50)));
    await recorder.finish();
    expect(stops).toEqual(["your recordings reached their quota of 4 KiB"]);
    const row = recordingById(db, "0123456789abcdef0123456789abcdef");
    expect(row?.truncated).toBe(true);
    // The header is always written; the events stay within the quota.
    expect(quota.usage("ann")).toBeLessThanOrEqual(4096);
    expect(row?.bytes).toBeLessThanOrEqual(4096 + 200);
    expect(recordedBytesByOwner(db).get("ann")).toBe(row?.bytes);
  });
});

describe("the recordings' quotas from the environment", () => {
  it("reads sizes, 0 as no bound, and names the variable of a bad one", () => {
    expect(
      terminalsFromEnv({ SOCKETLAB_RECORDINGS_PER_USER: "500m", SOCKETLAB_RECORDINGS_TOTAL: "0" }),
    ).toEqual({ recordingQuota: { perUserBytes: 500 * MIB, totalBytes: null } });
    expect(() => terminalsFromEnv({ SOCKETLAB_RECORDINGS_TOTAL: "lots" })).toThrow(
      "SOCKETLAB_RECORDINGS_TOTAL must be a size such as 500m or 20g (0: no bound)",
    );
  });
});
