import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import {
  fallbackCommands,
  type Impairment,
  netemCommand,
  SCRIPT_PATH,
} from "../../src/roles/router.ts";
import { request } from "../plan/helpers.ts";
import { load, problems, yaml } from "../topology/helpers.ts";

/** A lab with a router on a, b and c whose config starts on line 12. */
function withConfig(lines: string[]): string {
  const head = yaml`
    name: lab
    networks:
      a: { subnet: 10.1.0.0/24 }
      b: { subnet: 10.2.0.0/24 }
      c: { subnet: 10.3.0.0/24 }
      d: { subnet: 10.4.0.0/24 }
    nodes:
      router:
        role: router
        networks: { a: .254, b: .254, c: .254 }
        config:
  `;
  return `${head.trimEnd()}\n${lines.map((line) => `      ${line}`).join("\n")}\n`;
}

/** The router's planned node (pool 10.200.0.0/16: a is 10.200.0.0/24, b .1, c .2). */
async function plannedRouter(lines: string[]) {
  const result = await load(withConfig(lines));
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  const planned = planLab(result.topology, request({ pool: ["10.200.0.0/16"] }));
  if (!planned.ok) throw new Error(planned.error);
  const router = planned.plan.nodes.find((n) => n.name === "router");
  if (!router) throw new Error("no router");
  return router;
}

async function script(lines: string[]): Promise<string> {
  const router = await plannedRouter(lines);
  const file = router.files.find((f) => f.path === SCRIPT_PATH);
  return Buffer.from(file?.contentBase64 ?? "", "base64").toString("utf8");
}

describe("router config in the topology", () => {
  it("reads durations, percentages and rates in tc's units", async () => {
    const router = await plannedRouter([
      "impair:",
      "  a: { delay: 100ms, jitter: 500us, loss: 0.5%, rate: 1.5mbit }",
      "  b: { delay: 1.5s, rate: 64kbit }",
      "  c: { loss: 100%, rate: 1gbit }",
    ]);
    const text = Buffer.from(router.files[0]?.contentBase64 ?? "", "base64").toString();
    expect(text).toContain(
      'tc qdisc replace dev "$dev" root netem delay 100ms 0.5ms loss 0.5% rate 1500000bit',
    );
    expect(text).toContain('tc qdisc replace dev "$dev" root netem delay 1500ms rate 64000bit');
    expect(text).toContain('tc qdisc replace dev "$dev" root netem loss 100% rate 1000000000bit');
  });

  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig([
          "impair:",
          "  a: { delay: 100, jitter: 10 ms, loss: 101%, rate: 1mbps }",
          "  b: { jitter: 5ms }",
          "  c: {}",
          "nat: b",
          "mode: fast",
        ]),
      ),
    ).toEqual([
      "lab.yaml:13:21: nodes.router.config.impair.a.delay: expected text, found 100",
      "lab.yaml:13:34: nodes.router.config.impair.a.jitter: write a duration like 100ms, 1.5s or 500us",
      "lab.yaml:13:47: nodes.router.config.impair.a.loss: a loss cannot exceed 100%",
      "lab.yaml:13:59: nodes.router.config.impair.a.rate: write a rate like 1mbit, 500kbit or 1gbit",
      "lab.yaml:14:22: nodes.router.config.impair.b.jitter: jitter varies a delay: give a delay too",
      "lab.yaml:15:9: nodes.router.config.impair.c: give at least one of delay, jitter, loss, rate",
      "lab.yaml:17:7: nodes.router.config.mode: unknown field 'mode'",
    ]);
    expect(await problems(withConfig(["impair: { a: { rate: 4kbit } }"]))).toEqual([
      "lab.yaml:12:28: nodes.router.config.impair.a.rate: a rate below 8kbit would not pass one packet a second",
    ]);
  });

  it("refuses networks the router is not on, naming the ones it is on", async () => {
    expect(
      await problems(withConfig(["nat: d", "impair: { d: { delay: 10ms }, ghost: { loss: 1% } }"])),
    ).toEqual([
      "lab.yaml:12:12: nodes.router.config.nat: router router is not on network 'd' (it is on a, b, c)",
      "lab.yaml:13:17: nodes.router.config.impair.d: router router is not on network 'd' (it is on a, b, c)",
      "lab.yaml:13:37: nodes.router.config.impair.ghost: router router is not on network 'ghost' (it is on a, b, c)",
    ]);
  });

  it("needs no config: a plain router forwards", async () => {
    const router = await plannedRouter(["{}"]);
    expect(router).toMatchObject({
      start: [SCRIPT_PATH],
      capabilities: ["NET_ADMIN", "NET_RAW"],
      sysctls: { "net.ipv4.ip_forward": "1" },
    });
    expect(router.files.map((f) => [f.path, f.mode])).toEqual([[SCRIPT_PATH, 0o755]]);
    const text = await script(["{}"]);
    expect(text).not.toContain("tc ");
    expect(text).not.toContain("iptables");
  });
});

describe("netem commands", () => {
  const cases: [Impairment, string][] = [
    [{ delay: 100 }, "netem delay 100ms"],
    [{ delay: 100, jitter: 10 }, "netem delay 100ms 10ms"],
    [{ loss: 1 }, "netem loss 1%"],
    [{ rate: 1_000_000 }, "netem rate 1000000bit"],
    [
      { delay: 50, jitter: 5, loss: 2.5, rate: 64_000 },
      "netem delay 50ms 5ms loss 2.5% rate 64000bit",
    ],
  ];
  it.each(cases)("%j: %s", (impairment, expected) => {
    expect(netemCommand(impairment)).toBe(`tc qdisc replace dev "$dev" root ${expected}`);
  });
});

describe("fallback commands (no netem)", () => {
  it("limit the rate with TBF, with a bucket of two frames or 10 ms, and netem's queue", () => {
    expect(fallbackCommands({ rate: 1_000_000 }, 1)).toEqual([
      'tc qdisc replace dev "$dev" root tbf rate 1000000bit burst 3028 limit 1514000',
    ]);
    expect(fallbackCommands({ rate: 100_000_000 }, 1)).toEqual([
      'tc qdisc replace dev "$dev" root tbf rate 100000000bit burst 125000 limit 1514000',
    ]);
  });

  it("drop at random for loss", () => {
    expect(fallbackCommands({ loss: 50 }, 1)).toEqual([
      'iptables -t mangle -A POSTROUTING -o "$dev" -m statistic --mode random --probability 0.5 -j DROP',
    ]);
    expect(fallbackCommands({ loss: 0.1 }, 1)[0]).toContain("--probability 0.001 ");
  });

  it("start the delayer on its own queue, then feed it before conntrack, marked by route", () => {
    expect(fallbackCommands({ delay: 100, jitter: 10 }, 3)).toEqual([
      "socketlab-delay --queue 3 --delay-ms 100 --jitter-ms 10",
      "nft add table ip socketlab",
      "nft add chain ip socketlab prerouting '{ type filter hook prerouting priority -350; }'",
      'nft add rule ip socketlab prerouting fib daddr type != local fib daddr oif "$dev" meta mark set meta mark and 0xff00ffff or 0x00030000',
      "iptables -t raw -A PREROUTING -m mark --mark 0x00030000/0x00ff0000 -j NFQUEUE --queue-num 3",
      'iptables -t raw -A OUTPUT -o "$dev" -j NFQUEUE --queue-num 3',
    ]);
    expect(fallbackCommands({ delay: 20 }, 255)).toContain(
      "iptables -t raw -A PREROUTING -m mark --mark 0x00ff0000/0x00ff0000 -j NFQUEUE --queue-num 255",
    );
    expect(fallbackCommands({ delay: 20 }, 1)[0]).toBe(
      "socketlab-delay --queue 1 --delay-ms 20 --jitter-ms 0",
    );
  });

  it("combine: rate, loss, then the delayer and its rules", () => {
    const commands = fallbackCommands({ delay: 10, loss: 1, rate: 1_000_000 }, 2);
    expect(commands.slice(0, 3)).toEqual([
      'tc qdisc replace dev "$dev" root tbf rate 1000000bit burst 3028 limit 1514000',
      'iptables -t mangle -A POSTROUTING -o "$dev" -m statistic --mode random --probability 0.01 -j DROP',
      "socketlab-delay --queue 2 --delay-ms 10 --jitter-ms 0",
    ]);
    expect(commands.slice(3)).toEqual(fallbackCommands({ delay: 10 }, 2).slice(1));
  });
});

// The generated script run by sh for real, with ip, tc, iptables and socketlab-delay replaced by
// stubs that log their arguments: `ip` reports the router's addresses on eth0..eth2, and `tc`
// fails on netem as a kernel without it does ($NETEM=missing) or for another reason.
describe("the router's start script", () => {
  const dir = mkdtempSync(join(tmpdir(), "router-script-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stub = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> "$LOG"\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  stub(
    "ip",
    [
      "echo '1: lo    inet 127.0.0.1/8 scope host lo'",
      "echo '52: eth1    inet 10.200.1.254/24 brd 10.200.1.255 scope global eth1'",
      "echo '50: eth0    inet 10.200.2.254/24 brd 10.200.2.255 scope global eth0'",
      "echo '54: eth2    inet 10.200.0.254/24 brd 10.200.0.255 scope global eth2'",
    ].join("\n"),
  );
  stub(
    "tc",
    [
      'case "$*:$NETEM" in',
      '  *netem*:missing) echo "Error: Specified qdisc kind is unknown." >&2; exit 2 ;;',
      '  *netem*:broken) echo "RTNETLINK answers: Operation not permitted" >&2; exit 2 ;;',
      "esac",
    ].join("\n"),
  );
  stub("iptables", "");
  stub("nft", "");
  stub("socketlab-delay", "");

  async function run(lines: string[], netem: "present" | "missing" | "broken") {
    const path = join(dir, "router.sh");
    writeFileSync(path, await script(lines));
    const log = join(dir, `log-${netem}`);
    writeFileSync(log, "");
    const result = spawnSync("sh", [path], {
      env: { PATH: `${dir}:/usr/bin:/bin`, LOG: log, NETEM: netem },
      encoding: "utf8",
    });
    const calls = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("ip "));
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
  }

  const config = [
    "nat: a",
    "impair:",
    "  b: { delay: 100ms, jitter: 10ms }",
    "  c: { loss: 1%, rate: 1mbit }",
  ];

  it("uses netem where the kernel has it, on the interface holding the router's address", async () => {
    const { status, stdout, calls } = await run(config, "present");
    expect(status).toBe(0);
    expect(calls).toEqual([
      "iptables -t nat -A POSTROUTING -o eth2 -j MASQUERADE",
      "tc qdisc replace dev eth1 root netem delay 100ms 10ms",
      "tc qdisc replace dev eth0 root netem loss 1% rate 1000000bit",
    ]);
    expect(stdout).toContain("router: netem on eth1 (b): delay 100ms, jitter 10ms");
  });

  it("falls back on TBF, iptables and the delayer where netem is unknown", async () => {
    const { status, stdout, calls } = await run(config, "missing");
    expect(status).toBe(0);
    expect(calls).toEqual([
      "iptables -t nat -A POSTROUTING -o eth2 -j MASQUERADE",
      "tc qdisc replace dev eth1 root netem delay 100ms 10ms",
      "socketlab-delay --queue 1 --delay-ms 100 --jitter-ms 10",
      "nft add table ip socketlab",
      "nft add chain ip socketlab prerouting { type filter hook prerouting priority -350; }",
      "nft add rule ip socketlab prerouting fib daddr type != local fib daddr oif eth1 meta mark set meta mark and 0xff00ffff or 0x00010000",
      "iptables -t raw -A PREROUTING -m mark --mark 0x00010000/0x00ff0000 -j NFQUEUE --queue-num 1",
      "iptables -t raw -A OUTPUT -o eth1 -j NFQUEUE --queue-num 1",
      "tc qdisc replace dev eth0 root netem loss 1% rate 1000000bit",
      "tc qdisc replace dev eth0 root tbf rate 1000000bit burst 3028 limit 1514000",
      "iptables -t mangle -A POSTROUTING -o eth0 -m statistic --mode random --probability 0.01 -j DROP",
    ]);
    expect(stdout).toContain("router: no netem in this kernel; user-space fallback on eth1 (b)");
  });

  it("fails on any other tc error, saying what it was", async () => {
    const { status, stderr, calls } = await run(config, "broken");
    expect(status).not.toBe(0);
    expect(stderr).toContain("router: RTNETLINK answers: Operation not permitted");
    expect(calls.at(-1)).toBe("tc qdisc replace dev eth1 root netem delay 100ms 10ms");
  });

  it("fails when no interface holds the router's address", async () => {
    const path = join(dir, "router.sh");
    writeFileSync(path, (await script(config)).replaceAll("10.200.1.254", "10.9.9.9"));
    const result = spawnSync("sh", [path], {
      env: { PATH: `${dir}:/usr/bin:/bin`, LOG: join(dir, "log-none"), NETEM: "present" },
      encoding: "utf8",
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("router: no interface holds 10.9.9.9");
  });
});
