import { describe, expect, it } from "vitest";
import { formatAddress, formatCidr, parseAddress } from "../../src/net/ipv4.ts";
import { allocateSubnets } from "../../src/plan/subnets.ts";
import type { PlanRequest } from "../../src/plan/types.ts";
import type { NetworkDef } from "../../src/topology/model.ts";
import { network } from "./helpers.ts";

type Input = Partial<Pick<PlanRequest, "pool" | "taken" | "existing">>;

/** The allocation as `name -> subnet` text, or the error message. */
function allocate(networks: NetworkDef[], input: Input): Record<string, string> | string {
  const result = allocateSubnets(networks, { pool: [], taken: [], existing: {}, ...input });
  if (!result.ok) return result.error;
  return Object.fromEntries([...result.subnets].map(([name, cidr]) => [name, formatCidr(cidr)]));
}

const lan = network("lan", "192.168.1.0/24");
const dmz = network("dmz", "172.16.0.0/24");

describe("allocateSubnets", () => {
  it("takes the lowest blocks of the topology's sizes, networks in order", () => {
    expect(allocate([lan, dmz], { pool: ["10.200.0.0/16"] })).toEqual({
      lan: "10.200.0.0/24",
      dmz: "10.200.1.0/24",
    });
  });

  it("skips taken blocks", () => {
    const taken = ["10.200.0.0/24", "10.200.1.0/24", "10.200.3.0/24"];
    expect(allocate([lan, dmz], { pool: ["10.200.0.0/16"], taken })).toEqual({
      lan: "10.200.2.0/24",
      dmz: "10.200.4.0/24",
    });
  });

  it("skips a taken subnet covering many blocks", () => {
    expect(allocate([lan], { pool: ["10.200.0.0/16"], taken: ["10.200.0.0/20"] })).toEqual({
      lan: "10.200.16.0/24",
    });
  });

  it("skips a pool whose whole range lies inside a bigger taken subnet", () => {
    const pool = ["10.200.0.0/16", "10.201.0.0/16"];
    expect(allocate([lan], { pool, taken: ["10.200.0.0/15"] })).toBe(
      "subnet pool exhausted: no free /24 for network 'lan' in 10.200.0.0/16, 10.201.0.0/16",
    );
    expect(allocate([lan], { pool, taken: ["10.192.0.0/12"] })).toMatch(/^subnet pool exhausted/);
  });

  it("skips a block that a small taken subnet overlaps partly", () => {
    const taken = ["10.200.0.128/25", "10.200.1.17/32"];
    expect(allocate([lan], { pool: ["10.200.0.0/16"], taken })).toEqual({ lan: "10.200.2.0/24" });
  });

  it("skips a taken subnet that straddles two blocks of the needed size", () => {
    const wide = network("wide", "10.0.0.0/23");
    const taken = ["10.200.1.0/24", "10.200.2.0/24"];
    expect(allocate([wide], { pool: ["10.200.0.0/16"], taken })).toEqual({ wide: "10.200.4.0/23" });
  });

  it("ignores taken subnets outside the pool, IPv6 ones, and clears host bits", () => {
    const taken = ["172.17.0.0/16", "fd00:1::/64", "10.200.0.1/24"];
    expect(allocate([lan], { pool: ["10.200.0.0/16"], taken })).toEqual({ lan: "10.200.1.0/24" });
  });

  it("moves on to the next pool entry when one is full, in the order given", () => {
    const pool = ["10.201.0.0/23", "10.100.0.0/16"];
    const taken = ["10.201.0.0/24"];
    expect(allocate([lan, dmz], { pool, taken })).toEqual({
      lan: "10.201.1.0/24",
      dmz: "10.100.0.0/24",
    });
  });

  it("skips pool entries smaller than the block needed", () => {
    const pool = ["10.201.0.0/26", "10.202.0.0/24"];
    expect(allocate([lan], { pool })).toEqual({ lan: "10.202.0.0/24" });
  });

  it("keeps existing subnets of the same size, even outside the pool or listed as taken", () => {
    const existing = { lan: "10.50.7.0/24", dmz: "10.200.0.0/24" };
    const taken = ["10.200.0.0/24"];
    expect(allocate([lan, dmz], { pool: ["10.200.0.0/16"], taken, existing })).toEqual({
      lan: "10.50.7.0/24",
      dmz: "10.200.0.0/24",
    });
  });

  it("never gives a new network a later network's kept subnet", () => {
    const existing = { dmz: "10.200.0.0/24" };
    expect(allocate([lan, dmz], { pool: ["10.200.0.0/16"], existing })).toEqual({
      lan: "10.200.1.0/24",
      dmz: "10.200.0.0/24",
    });
  });

  it("reallocates an existing subnet whose size no longer matches", () => {
    const existing = { lan: "10.200.0.0/25", dmz: "10.200.5.0/24" };
    expect(allocate([lan, dmz], { pool: ["10.200.0.0/16"], existing })).toEqual({
      lan: "10.200.0.0/24",
      dmz: "10.200.5.0/24",
    });
  });

  it("ignores existing subnets of networks the topology no longer has", () => {
    expect(
      allocate([lan], { pool: ["10.200.0.0/16"], existing: { old: "10.200.0.0/24" } }),
    ).toEqual({ lan: "10.200.0.0/24" });
  });

  it("aligns blocks of different sizes", () => {
    const small = network("small", "192.168.9.0/28");
    const big = network("big", "10.0.0.0/22");
    const pool = ["10.200.0.0/16"];
    expect(allocate([small, big, lan], { pool })).toEqual({
      small: "10.200.0.0/28",
      big: "10.200.4.0/22",
      lan: "10.200.1.0/24",
    });
  });

  it("names the network and the size when the pool is exhausted", () => {
    const big = network("big", "10.0.0.0/22");
    expect(allocate([lan, big], { pool: ["10.200.0.0/22"] })).toBe(
      "subnet pool exhausted: no free /22 for network 'big' in 10.200.0.0/22",
    );
    expect(allocate([lan], { pool: [] })).toBe(
      "subnet pool exhausted: no free /24 for network 'lan' in (empty)",
    );
  });

  it("allows a topology without networks", () => {
    expect(allocate([], { pool: [] })).toEqual({});
  });

  it("rejects malformed input", () => {
    expect(allocate([lan], { pool: ["10.200.0.1/16"] })).toBe(
      "subnet pool: '10.200.0.1/16' has host bits set; did you mean 10.200.0.0/16?",
    );
    expect(allocate([lan], { pool: ["10.200.0.0/16"], taken: ["nope"] })).toBe(
      "taken subnet 'nope' is not an IPv4 subnet",
    );
    expect(allocate([lan], { pool: ["10.200.0.0/16"], existing: { lan: "10.1/24" } })).toBe(
      "existing subnet of network 'lan': '10.1/24' is not an IPv4 subnet like 10.0.0.0/24",
    );
  });

  it("gives a second instance subnets disjoint from the first's when they are taken", () => {
    const pool = ["10.200.0.0/16"];
    const first = allocate([lan, dmz], { pool, taken: ["10.200.1.0/24"] });
    expect(first).toEqual({ lan: "10.200.0.0/24", dmz: "10.200.2.0/24" });
    const taken = ["10.200.1.0/24", ...Object.values(first)];
    expect(allocate([lan, dmz], { pool, taken })).toEqual({
      lan: "10.200.3.0/24",
      dmz: "10.200.4.0/24",
    });
  });

  it("skips 5000 taken subnets scattered through a big pool", () => {
    // Every other /24 from 10.128.0.0 is taken, so each /23 holds one: the first free /23 lies
    // past all of them, at 10.128.0.0 + 5000 * 512. Listed in reverse to check they are sorted.
    const start = parseAddress("10.128.0.0") as number;
    const taken = Array.from({ length: 5000 }, (_, i) => `${formatAddress(start + i * 512)}/24`);
    taken.reverse();
    const wide = network("wide", "10.0.0.0/23");
    expect(allocate([lan, wide], { pool: ["10.128.0.0/9"], taken })).toEqual({
      lan: "10.128.1.0/24",
      wide: "10.167.16.0/23",
    });
  });
});
