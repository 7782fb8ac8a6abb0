import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type SubnetMapping,
  subnetMappings,
  subnetTable,
  substituteAddresses,
} from "../../src/handout/addresses.ts";
import type { Cidr } from "../../src/net/ipv4.ts";
import { formatAddress, parseCidrLoose } from "../../src/net/ipv4.ts";

const cidr = (text: string): Cidr => parseCidrLoose(text) as Cidr;

const mappings = subnetMappings(
  [
    { name: "lan", subnet: cidr("10.9.0.0/24") },
    { name: "internet", subnet: cidr("10.8.0.0/24") },
  ],
  [
    { name: "lan", subnet: "10.200.3.0/24" },
    { name: "internet", subnet: "10.200.4.0/24" },
  ],
);

const sub = (text: string) => substituteAddresses(text, mappings);

describe("subnetMappings", () => {
  it("pairs each handout network with the lab's subnet of the same name", () => {
    expect(mappings).toEqual([
      { network: "lan", handout: cidr("10.9.0.0/24"), lab: cidr("10.200.3.0/24") },
      { network: "internet", handout: cidr("10.8.0.0/24"), lab: cidr("10.200.4.0/24") },
    ]);
  });

  it("leaves out a network the lab lacks, or one of another size", () => {
    expect(
      subnetMappings(
        [
          { name: "lan", subnet: cidr("10.9.0.0/24") },
          { name: "gone", subnet: cidr("10.7.0.0/24") },
        ],
        [{ name: "lan", subnet: "10.200.0.0/25" }],
      ),
    ).toEqual([]);
  });

  it("ignores a lab subnet it cannot read", () => {
    expect(
      subnetMappings(
        [{ name: "lan", subnet: cidr("10.9.0.0/24") }],
        [{ name: "lan", subnet: "x" }],
      ),
    ).toEqual([]);
  });
});

describe("substituteAddresses", () => {
  it.each([
    ["the resolver is 10.9.0.53.", "the resolver is 10.200.3.53."],
    ["`dig @10.9.0.53 www.example.com`", "`dig @10.200.3.53 www.example.com`"],
    [
      "lan (10.9.0.0/24) and internet (10.8.0.0/24)",
      "lan (10.200.3.0/24) and internet (10.200.4.0/24)",
    ],
    ["from 10.9.0.53#33333", "from 10.200.3.53#33333"],
    ["10.9.0.53:53,10.8.0.66", "10.200.3.53:53,10.200.4.66"],
    ["a /25: 10.9.0.128/25", "a /25: 10.200.3.128/25"],
    ["broadcast 10.9.0.255", "broadcast 10.200.3.255"],
    ["| .53 | 10.9.0.53 |", "| .53 | 10.200.3.53 |"],
    ["curl http://10.9.0.80/index.html", "curl http://10.200.3.80/index.html"],
    ["curl http://10.9.0.5/", "curl http://10.200.3.5/"],
    ["http://10.9.0.80:8080/a/b", "http://10.200.3.80:8080/a/b"],
  ])("rewrites %j", (text, expected) => {
    expect(sub(text)).toBe(expected);
  });

  it.each([
    ["outside every subnet", "10.10.0.53 and 192.168.1.1"],
    ["a wider subnet", "10.9.0.0/16 and 10.0.0.0/8"],
    ["a host part", ".53 and .254"],
    ["a longer dotted run", "version 1.10.9.0.5 and 10.9.0.5.1"],
    ["a name", "a10.9.0.5 and host-10.9.0.5x"],
    ["not an address", "10.9.0.256 and 999.9.0.1"],
    ["an impossible prefix", "10.9.0.0/33"],
    ["a three-digit prefix", "10.9.0.0/245"],
  ])("keeps %s", (_, text) => {
    expect(sub(text)).toBe(text);
  });

  it("changes nothing without mappings", () => {
    expect(substituteAddresses("10.9.0.53", [])).toBe("10.9.0.53");
  });

  it("keeps the host part of every address of a subnet", () => {
    const one: SubnetMapping[] = [
      { network: "n", handout: cidr("172.16.0.0/20"), lab: cidr("10.200.16.0/20") },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4095 }), (host) => {
        const from = formatAddress(cidr("172.16.0.0/20").base + host);
        const to = formatAddress(cidr("10.200.16.0/20").base + host);
        expect(substituteAddresses(`at ${from}.`, one)).toBe(`at ${to}.`);
      }),
    );
  });

  it("leaves text without addresses as it was", () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/\d/.test(s)),
        (text) => {
          expect(sub(text)).toBe(text);
        },
      ),
    );
  });
});

describe("subnetTable", () => {
  it("lists each network's handout subnet and the lab's", () => {
    expect(subnetTable(mappings)).toBe(
      [
        "| network | handout subnet | your subnet |",
        "| --- | --- | --- |",
        "| lan | 10.9.0.0/24 | 10.200.3.0/24 |",
        "| internet | 10.8.0.0/24 | 10.200.4.0/24 |",
        "",
        "The addresses below are already your lab's own.",
        "",
      ].join("\n"),
    );
  });

  it("is empty without mappings", () => {
    expect(subnetTable([])).toBe("");
  });
});
