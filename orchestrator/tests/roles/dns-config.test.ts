// The dns role's config as the loader checks it: every problem reported where it was written.
import { describe, expect, it } from "vitest";
import { ADDRESS_REF_HELP, ALLOW_HELP } from "../../src/roles/dns/refs.ts";
import type { DnsConfig } from "../../src/roles/dns/schema.ts";
import { load, problems } from "../topology/helpers.ts";

/**
 * A lab with networks lan and dmz, nodes web (lan) and both (lan, dmz), and a dns node `ns`
 * whose config is `config`; the config's first line is line 12.
 */
function lab(config: string[], more = ""): string {
  return [
    "name: lab",
    "networks:",
    "  lan: { subnet: 10.0.0.0/24 }",
    "  dmz: { subnet: 10.0.1.0/24 }",
    "nodes:",
    "  web: { networks: { lan: .80 } }",
    "  both: { networks: { lan: .5, dmz: .5 } }",
    "  ns:",
    "    role: dns",
    "    networks: { lan: .53 }",
    "    config:",
    ...config.map((line) => `      ${line}`),
    more,
  ].join("\n");
}

const ZONE_RULE =
  "a zone is '.' (the root) or a name without its final dot: lowercase labels of a-z, 0-9, '-' and '_', joined by '.'";

async function configOf(text: string): Promise<DnsConfig> {
  const result = await load(text);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.topology.nodes.find((n) => n.name === "ns")?.config as DnsConfig;
}

describe("dns config: defaults", () => {
  it("fills in every default", async () => {
    expect(await configOf(lab(["recursion: {}"]))).toEqual({
      root: false,
      ttl: 300,
      zones: {},
      recursion: {
        allow: ["any"],
        dnssecValidation: false,
        querySourcePort: null,
        qnameMinimization: "relaxed",
        forwarders: [],
        forward: "only",
        forwardZones: {},
      },
      cookies: { send: true, answer: true },
      queryLog: false,
    });
  });
});

describe("dns config: the form of each field", () => {
  it("refuses malformed zone names, owners, values and options, each where written", async () => {
    expect(
      await problems(
        lab([
          "zones:",
          "  Example.com: { '@': { NS: ns } }",
          "  example.org.: { '@': { NS: ns } }",
          "  ok.test:",
          "    '@': { NS: ns, MX: ['10 mail', 'mail'] }",
          "    bad name: { A: web }",
          "    www: { A: 'web@' }",
          "    v6: { AAAA: 10.0.0.1 }",
          "    empty: {}",
          "    cname: { CNAME: [a, b] }",
          "    txt: { SPF: x }",
          "    bare: { A: .99 }",
          "recursion:",
          "  querySourcePort: 53",
          "  qnameMinimization: maybe",
          "  allow: ['10.0.0.0/33']",
        ]),
      ),
    ).toEqual([
      `lab.yaml:13:9: nodes.ns.config.zones.Example.com: ${ZONE_RULE}`,
      `lab.yaml:14:9: nodes.ns.config.zones.example.org.: ${ZONE_RULE}`,
      "lab.yaml:16:42: nodes.ns.config.zones.ok.test.@.MX[1]: an MX record is a preference and a name: '10 mail' or '10 mail.example.com.'",
      "lab.yaml:17:11: nodes.ns.config.zones.ok.test.bad name: an owner is '@' (the zone), a relative name, or an absolute one ending in '.': lowercase labels of a-z, 0-9, '-' and '_', joined by '.'",
      `lab.yaml:18:21: nodes.ns.config.zones.ok.test.www.A: ${ADDRESS_REF_HELP}`,
      "lab.yaml:19:23: nodes.ns.config.zones.ok.test.v6.AAAA: an AAAA record is an IPv6 address",
      "lab.yaml:20:11: nodes.ns.config.zones.ok.test.empty: give at least one record: NS, A, AAAA, CNAME, MX, TXT or PTR",
      "lab.yaml:21:20: nodes.ns.config.zones.ok.test.cname.CNAME: expected text, found a list",
      "lab.yaml:22:18: nodes.ns.config.zones.ok.test.txt.SPF: unknown field 'SPF'",
      "lab.yaml:23:22: nodes.ns.config.zones.ok.test.bare.A: YAML reads an unquoted .80 as a number: write a host part with its network, .80@lan",
      "lab.yaml:25:26: nodes.ns.config.recursion.querySourcePort: a query port is 1024 to 65535: ports below need root, and 53 is the server's",
      "lab.yaml:26:28: nodes.ns.config.recursion.qnameMinimization: write strict, relaxed, disabled or off",
      `lab.yaml:27:17: nodes.ns.config.recursion.allow[0]: ${ALLOW_HELP}`,
    ]);
  });
});

describe("dns config: references to the lab", () => {
  it("refuses address records naming unknown nodes and networks, or a node off its network", async () => {
    expect(
      await problems(
        lab([
          "zones:",
          "  example.com:",
          "    '@': { NS: ns }",
          "    ns: { A: ns }",
          "    a: { A: [web, ghost, web@dmz, both@dmz, web@nowhere] }",
          "    b: { A: [.99@lan, .99@nowhere, 192.0.2.1] }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:16:25: nodes.ns.config.zones.example.com.a.A[1]: unknown node 'ghost'",
      "lab.yaml:16:32: nodes.ns.config.zones.example.com.a.A[2]: node 'web' is not on network 'dmz'",
      "lab.yaml:16:51: nodes.ns.config.zones.example.com.a.A[4]: unknown network 'nowhere'",
      "lab.yaml:17:29: nodes.ns.config.zones.example.com.b.A[1]: unknown network 'nowhere'",
    ]);
  });

  it("refuses resolver settings naming what the lab does not have", async () => {
    expect(
      await problems(
        lab([
          "zones:",
          "  corp: { '@': { NS: ns }, ns: { A: ns } }",
          "recursion:",
          "  allow: [lan, web, any, 10.0.0.7, 10.0.0.0/24, nothing]",
          "  forwarders: [both@dmz, ghost]",
          "  forwardZones:",
          "    corp: [web]",
          "    example.org: [.5@dmz, both@wan]",
          "    '.': [web]",
        ]),
      ),
    ).toEqual([
      "lab.yaml:15:55: nodes.ns.config.recursion.allow[5]: 'nothing' is neither a node nor a network of this topology",
      "lab.yaml:16:32: nodes.ns.config.recursion.forwarders[1]: unknown node 'ghost'",
      "lab.yaml:18:11: nodes.ns.config.recursion.forwardZones.corp: zone 'corp' is served by this node itself",
      "lab.yaml:19:33: nodes.ns.config.recursion.forwardZones.example.org[1]: unknown network 'wan'",
      "lab.yaml:20:11: nodes.ns.config.recursion.forwardZones..: to forward every query, use forwarders",
    ]);
  });

  it("refuses an allow entry that is both a node's and a network's name", async () => {
    const text = lab(["recursion: { allow: [lan] }"], "  lan: { networks: { dmz: .9 } }");
    expect(await problems(text)).toEqual([
      "lab.yaml:12:28: nodes.ns.config.recursion.allow[0]: 'lan' is both a node and a network: give the network's subnet or the node's address instead",
    ]);
  });
});

describe("dns config: zones bind would not load", () => {
  it("needs NS records at the apex, and an address for a name server inside the zone", async () => {
    expect(
      await problems(
        lab([
          "zones:",
          "  nons: { www: { A: web } }",
          "  noglue.test:",
          "    '@': { NS: [ns, ns.example.net.] }",
          "    sub: { NS: ns.sub }",
          "    other: { NS: ns.other }",
          "    ns.other.noglue.test.: { A: web }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:13:9: nodes.ns.config.zones.nons: zone nons. needs NS records at '@' (its name servers)",
      "lab.yaml:15:23: nodes.ns.config.zones.noglue.test.@.NS[0]: name server ns.noglue.test. lies inside zone noglue.test.: give it an A record in the zone (glue)",
      "lab.yaml:16:22: nodes.ns.config.zones.noglue.test.sub.NS: name server ns.sub.noglue.test. lies inside zone noglue.test.: give it an A record in the zone (glue)",
    ]);
  });

  it("refuses a CNAME beside other records, however the name is written, and at the apex", async () => {
    expect(
      await problems(
        lab([
          "zones:",
          "  example.com:",
          "    '@': { NS: ns.example.net., CNAME: www }",
          "    www: { CNAME: web.example.net. }",
          "    www.example.com.: { TXT: hello }",
          "    ftp: { CNAME: www }",
          "    out.example.org.: { A: web }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:14:46: nodes.ns.config.zones.example.com.@.CNAME: the zone's own name holds its SOA and NS records: it cannot be a CNAME",
      "lab.yaml:15:25: nodes.ns.config.zones.example.com.www.CNAME: a CNAME cannot share its name with other records (www.example.com.)",
      "lab.yaml:18:11: nodes.ns.config.zones.example.com.out.example.org.: 'out.example.org.' is not inside zone example.com.",
    ]);
  });

  it("asks a dns node to do something", async () => {
    expect(await problems(lab(["queryLog: true"]))).toEqual([
      "lab.yaml:11:5: nodes.ns.config: a dns node serves zones (zones), the lab's root (root: true) or resolves (recursion): give at least one",
    ]);
  });
});

describe("dns config: the lab's root", () => {
  it("serves the root zone only on a root server, whose root-servers.net is generated", async () => {
    expect(
      await problems(
        lab(
          ["zones:", "  '.': { com: { NS: ns.com. }, ns.com.: { A: web } }"],
          [
            "  root:",
            "    role: dns",
            "    networks: { lan: .10 }",
            "    config:",
            "      root: true",
            "      zones:",
            "        root-servers.net: { '@': { NS: a } , a: { A: root } }",
            "        '.': { com: { NS: ns.com. } }",
          ].join("\n"),
        ),
      ),
    ).toEqual([
      "lab.yaml:13:9: nodes.ns.config.zones..: the root zone is served by the lab's root servers: set root: true",
      "lab.yaml:20:9: nodes.root.config.zones.root-servers.net: a root server's root-servers.net zone is generated (it names the lab's root servers): leave it out",
      "lab.yaml:21:27: nodes.root.config.zones...com.NS: name server ns.com. lies inside zone .: give it an A record in the zone (glue)",
    ]);
  });

  it("has at most 13 root servers", async () => {
    const roots = Array.from(
      { length: 14 },
      (_, i) => `  r${i}: { role: dns, networks: { lan: .${100 + i} }, config: { root: true } }`,
    );
    expect(await problems(lab(["root: true"], roots.join("\n")))).toEqual([
      "lab.yaml:25:62: nodes.r12.config.root: a lab has at most 13 root servers (a to m.root-servers.net)",
      "lab.yaml:26:62: nodes.r13.config.root: a lab has at most 13 root servers (a to m.root-servers.net)",
    ]);
  });
});
