// The dns role against the real engine: a DNS hierarchy of the lab's own (root -> com ->
// example.com), a resolver whose root hints are the lab's root, and a client that uses it
// through /etc/resolv.conf. Every lookup is made from a lab node with real clients (dig, the C
// library's resolver, Python's socket module); nothing can come from the Internet.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downLab, upLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { LabPlan } from "../../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { fixture, sh, testEngine, uniqueLabId } from "../engine.ts";

let engine: Engine;
let plan: LabPlan;
const lab = uniqueLabId("it-dns");
/** The resolver's fixed query port in the fixture (config.recursion.querySourcePort). */
const QUERY_PORT = 5300;

beforeAll(async () => {
  engine = await testEngine();
  plan = (await upLab(engine, await fixture("dns-hierarchy.yaml"), { lab, owner: "erin" })).plan;
});

afterAll(async () => {
  await downLab(engine, lab);
});

function addressOf(node: string, network: string): string {
  const endpoints = plan.nodes.find((n) => n.name === node)?.endpoints ?? [];
  const address = endpoints.find((e) => e.network === network)?.address;
  if (address === undefined) throw new Error(`${node} has no address on ${network}`);
  return address;
}

/** Runs a command on a node; it must succeed. */
async function run(node: string, script: string): Promise<string> {
  const result = await sh(engine, lab, node, script);
  if (result.exitCode !== 0) {
    throw new Error(`${node}: '${script}' exited ${result.exitCode}: ${result.stderr}`);
  }
  return result.stdout;
}

/** The resolver's cache as `rndc dumpdb -cache` writes it (once the dump is complete). */
async function cacheDump(): Promise<string> {
  const file = "/var/cache/bind/named_dump.db";
  return run(
    "resolver",
    `rm -f ${file} && rndc dumpdb -cache && for i in $(seq 100); do grep -q '^; Dump complete' ${file} 2>/dev/null && break; sleep 0.1; done; cat ${file}`,
  );
}

describe("a lab resolver with the lab's own root", () => {
  it("is the client's resolver, in its /etc/resolv.conf", async () => {
    expect(await run("client", "cat /etc/resolv.conf")).toBe(
      `nameserver ${addressOf("resolver", "lan")}\n`,
    );
  });

  it("resolves a name three levels down (root, com, example.com) for the client", async () => {
    const answer = await run("client", "dig +noall +answer +comments www.example.com A");
    expect(answer).toContain("status: NOERROR");
    expect(answer).toMatch(
      new RegExp(`^www\\.example\\.com\\.\\s+\\d+\\s+IN\\s+A\\s+${addressOf("web", "lan")}$`, "m"),
    );
    // The resolver learned each delegation on the way down: com from the root, example.com
    // from com's server.
    const dump = await cacheDump();
    expect(dump).toMatch(/^com\.\s+\d+\s+(IN\s+)?NS\s+ns\.com\.$/m);
    expect(dump).toMatch(/^example\.com\.\s+\d+\s+(IN\s+)?NS\s+ns\.example\.com\.$/m);
  });

  it("answers from its cache what it resolved, and only that (dig +norecurse)", async () => {
    await run("client", "dig +short www.example.com A");
    const cached = await run("client", "dig +norecurse +noall +answer @resolver www.example.com A");
    expect(cached).toMatch(new RegExp(`\\sA\\s+${addressOf("web", "lan")}\\n`));
    // A name of the same zone nobody asked for is not in the cache: no answer without recursion.
    const uncached = await run(
      "client",
      "dig +norecurse +noall +answer @resolver printer.example.com A",
    );
    expect(uncached).toBe("");
  });

  it("shows the cached record in rndc dumpdb -cache", async () => {
    await run("client", "dig +short www.example.com A");
    expect(await cacheDump()).toMatch(
      new RegExp(
        `^www\\.example\\.com\\.\\s+\\d+\\s+(IN\\s+)?A\\s+${addressOf("web", "lan")}$`,
        "m",
      ),
    );
  });

  it("resolves MX, CNAME, TXT and a host part of a network", async () => {
    expect(await run("client", "dig +short example.com MX")).toBe("10 mail.example.com.\n");
    expect(await run("client", "dig +short ftp.example.com A")).toBe(
      `www.example.com.\n${addressOf("web", "lan")}\n`,
    );
    expect(await run("client", "dig +short example.com TXT")).toBe('"v=spf1 mx -all"\n');
    const printer = addressOf("web", "lan").replace(/\.\d+$/, ".99");
    expect(await run("client", "dig +short printer.example.com A")).toBe(`${printer}\n`);
  });

  it("serves the C library's and Python's lookups on the client", async () => {
    const web = addressOf("web", "lan");
    expect(await run("client", "getent hosts www.example.com")).toMatch(
      new RegExp(`^${web.replaceAll(".", "\\.")}\\s+www\\.example\\.com\\n$`),
    );
    const python = `python3 -c "import socket; print(sorted({a[4][0] for a in socket.getaddrinfo('mail.example.com', 25, socket.AF_INET)}))"`;
    expect(await run("client", python)).toBe(`['${web}']\n`);
  });

  it("empties its cache with rndc flush", async () => {
    await run("client", "dig +short www.example.com A");
    await run("resolver", "rndc flush");
    expect(await run("client", "dig +norecurse +noall +answer @resolver www.example.com A")).toBe(
      "",
    );
    expect(await cacheDump()).not.toMatch(/^www\.example\.com\./m);
  });
});

describe("a resolver set up for the cache-poisoning labs", () => {
  /** The queries example.com's server logged from `node`: source port and flags of each. */
  async function queriesFrom(node: string): Promise<{ port: number; flags: string }[]> {
    // A line: `client @0x... ADDR#PORT (NAME): query: NAME IN TYPE FLAGS (SERVER)`.
    const log = await run("auth", "cat /var/log/named/named.log");
    const from = addressOf(node, "core").replaceAll(".", "\\.");
    const line = new RegExp(
      `client @\\S+ ${from}#(\\d+) \\(\\S+\\): query: \\S+ IN \\S+ (\\S+) `,
      "g",
    );
    return [...log.matchAll(line)].map((m) => ({ port: Number(m[1]), flags: m[2] as string }));
  }

  /**
   * Asks `server` from the client for names nobody asked for yet until one gets a real answer
   * (NXDOMAIN: example.com's server was asked), at most three names; the statuses seen, in order.
   */
  async function lookUpFreshName(server: string): Promise<string[]> {
    const statuses: string[] = [];
    while (statuses.length < 3 && statuses.at(-1) !== "NXDOMAIN") {
      const name = `fresh-${Date.now()}-${statuses.length}.example.com`;
      // Generous: with one port for every query, bind 9.18 loses an answer to another query in
      // flight to the same server and asks again (docs/reference/roles.md); a lookup can outlast
      // one 10 s try (seen once in CI), so the client asks up to three times. The first lookup of a
      // resolver just up can end in SERVFAIL at once, example.com's server never asked (seen in CI,
      // and by hand in 1 of 11 new labs on a loaded machine): another fresh name is asked then.
      const answer = await run(
        "client",
        `dig +time=10 +tries=3 +noall +comments @${server} ${name} A`,
      );
      statuses.push(/status: ([A-Z]+)/.exec(answer)?.[1] ?? "no status");
    }
    return statuses;
  }

  it("sends every query from its fixed source port, without a DNS COOKIE", async () => {
    // Both resolvers must ask example.com's server for a name nobody asked for yet.
    expect(await lookUpFreshName("resolver")).toContain("NXDOMAIN");
    expect(await lookUpFreshName("pinned")).toContain("NXDOMAIN");
    const pinned = await queriesFrom("pinned");
    expect(pinned.length).toBeGreaterThan(0);
    expect(new Set(pinned.map((q) => q.port))).toEqual(new Set([QUERY_PORT]));
    // No cookie: the flags have neither K (a client cookie) nor V (a valid server cookie).
    expect(pinned.filter((q) => /[KV]/.test(q.flags))).toEqual([]);
    // The other resolver, left at bind's defaults, does otherwise: the log tells them apart.
    const other = await queriesFrom("resolver");
    expect(other.some((q) => q.port !== QUERY_PORT)).toBe(true);
    expect(other.every((q) => /[KV]/.test(q.flags))).toBe(true);
  });
});
