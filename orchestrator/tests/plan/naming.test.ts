import { describe, expect, it } from "vitest";
import {
  bridgeName,
  containerName,
  networkName,
  validateLabId,
  validateOwner,
} from "../../src/plan/naming.ts";

describe("validateLabId", () => {
  it.each(["a", "7", "alice", "alice-2", "group-3-lab", "0-a", "a".repeat(40)])(
    "accepts %j",
    (id) => {
      expect(validateLabId(id)).toBeNull();
    },
  );

  it.each([
    "",
    "-alice",
    "Alice",
    "alice_2",
    "alice.2",
    "alice 2",
    "élodie",
    "a".repeat(41),
    "alice\n",
  ])("rejects %j", (id) => {
    expect(validateLabId(id)).toMatch(/^lab id .* must be 1 to 40 characters/);
  });

  it("rejects a trailing '-' with its own message", () => {
    expect(validateLabId("alice-")).toBe(`lab id "alice-" must not end with '-'`);
    expect(validateLabId("a-")).toBe(`lab id "a-" must not end with '-'`);
  });
});

describe("validateOwner", () => {
  it.each([
    "",
    "alice",
    "Alice Martin <alice@example.org>",
    "Élodie Nguyễn",
    "李雷",
    "a".repeat(64),
    "é".repeat(64),
  ])("accepts %j", (owner) => {
    expect(validateOwner(owner)).toBeNull();
  });

  it("rejects more than 64 characters", () => {
    expect(validateOwner("a".repeat(65))).toBe("owner must be at most 64 characters");
  });

  it.each([
    "alice\n",
    "tab\there",
    "nul\u0000",
    "del\u007f",
    "bell\u0007",
    "zero\u200bwidth",
    "line\u2028sep",
  ])("rejects unprintable %j", (owner) => {
    expect(validateOwner(owner)).toBe(`owner ${JSON.stringify(owner)} has unprintable characters`);
  });
});

describe("Docker names", () => {
  it("prefixes containers and networks with sl_<lab>_", () => {
    expect(containerName("alice", "web")).toBe("sl_alice_web");
    expect(networkName("alice", "lan")).toBe("sl_alice_lan");
  });
});

describe("bridgeName", () => {
  it("is sl and the first 13 hex characters of sha256(lab/net)", () => {
    // printf 'alice/lan' | sha256sum -> fcb1019e9f0ff21b...
    expect(bridgeName("alice", "lan")).toBe("slfcb1019e9f0ff");
    expect(bridgeName("alice", "dmz")).toBe("slf9f33c8a94b54");
  });

  it("fits the 15-character Linux limit for the longest names", () => {
    const name = bridgeName("a".repeat(40), "n".repeat(30));
    expect(name).toMatch(/^sl[0-9a-f]{13}$/);
    expect(name).toHaveLength(15);
  });

  it("is deterministic and differs between labs and networks", () => {
    expect(bridgeName("alice", "lan")).toBe(bridgeName("alice", "lan"));
    const names = new Set([
      bridgeName("alice", "lan"),
      bridgeName("bob", "lan"),
      bridgeName("alice", "wan"),
      bridgeName("alice-l", "an"),
    ]);
    expect(names.size).toBe(4);
  });
});
