import { describe, expect, it } from "vitest";
import { dnsNamePattern, dnsNameSource } from "../../src/net/dns-name.ts";

const label63 = "a".repeat(63);
// Four labels of 63 and one of 61, with their dots: 253 characters.
const name253 = [label63, label63, label63, "a".repeat(61)].join(".");

describe("the DNS name rule", () => {
  const any = dnsNamePattern();

  it("takes labels of letters, digits and '-' joined by '.'", () => {
    for (const name of ["web", "WWW.Example.com", "3com.net", "a-b.c-d", label63, name253]) {
      expect(any.test(name), name).toBe(true);
    }
  });

  it("refuses empty, edge hyphens, long labels or names, and other characters", () => {
    for (const name of [
      "",
      "-web",
      "web-",
      "a.-b",
      "a..b",
      ".a",
      "a.",
      `${label63}a`,
      `${name253.slice(0, -1)}ab`,
      "a_b",
      "a b",
      "é.com",
      "*.example.com",
    ]) {
      expect(any.test(name), name).toBe(false);
    }
    expect(name253.length).toBe(253);
  });

  it("narrows to lowercase and widens to '_' when a role asks", () => {
    expect(dnsNamePattern({ lowercase: true }).test("Example.com")).toBe(false);
    expect(dnsNamePattern({ lowercase: true }).test("example.com")).toBe(true);
    const zone = dnsNamePattern({ lowercase: true, underscore: true });
    expect(zone.test("_sip._tcp.example.com")).toBe(true);
    expect(zone.test("_-_")).toBe(true);
    expect(zone.test("-_")).toBe(false);
  });

  it("gives an unanchored source to build larger patterns from", () => {
    const address = new RegExp(`^[a-z]+@${dnsNameSource({ lowercase: true })}$`);
    expect(address.test("alice@mail.example.com")).toBe(true);
    expect(address.test("alice@mail.example.com-")).toBe(false);
  });
});
