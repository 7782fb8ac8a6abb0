import { describe, expect, it } from "vitest";
import { labName, topologyName } from "../../src/compose-import/names.ts";

describe("topologyName", () => {
  it("makes compose names valid topology names", () => {
    const taken = new Set<string>();
    expect(topologyName("Router", taken)).toBe("router");
    expect(topologyName("net-10.9.0.0", taken)).toBe("net-10-9-0-0");
    expect(topologyName("local_server", taken)).toBe("local-server");
    expect(topologyName("10.9.0.5-host", taken)).toBe("n-10-9-0-5-host");
    expect(topologyName("--x--", taken)).toBe("x");
    expect(topologyName("a".repeat(40), taken)).toBe("a".repeat(30));
  });

  it("never gives one name twice", () => {
    const taken = new Set<string>();
    expect(topologyName("hostA", taken)).toBe("hosta");
    expect(topologyName("hosta", taken)).toBe("hosta-2");
    expect(topologyName("HostA", taken)).toBe("hosta-3");
    const long = "b".repeat(30);
    expect(topologyName(long, taken)).toBe(long);
    expect(topologyName(long, taken)).toBe(`${"b".repeat(28)}-2`);
  });

  it("names what has no letter or digit at all", () => {
    expect(topologyName("___", new Set())).toBe("n");
  });
});

describe("labName", () => {
  it("takes the lab's folder, not Labsetup", () => {
    expect(labName(["", "home", "seed", "DNS_Local", "Labsetup"])).toBe("dns-local");
    expect(labName(["Sniffing_Spoofing", "labsetup", "."])).toBe("sniffing-spoofing");
    expect(labName(["Labsetup"])).toBe("imported");
  });
});
