import { describe, expect, it } from "vitest";
import {
  type CommandContext,
  NAMED_START,
  script,
  steps,
  translate,
} from "../../src/compose-import/commands.ts";

const context: CommandContext = {
  networks: new Set(["lan"]),
  subnets: new Map([
    ["lan", "10.9.0.0/24"],
    ["dmz", "192.168.60.0/24"],
    ["far", "10.10.0.0/24"],
  ]),
  owners: new Map([
    ["10.9.0.11", "router"],
    ["10.9.0.5", "hosta"],
  ]),
  copied: new Set(),
};

const outcomes = (command: string | string[], ctx = context) =>
  translate(command, ctx).map((s) => s.outcome);

describe("script", () => {
  it('unwraps SEED\'s bash -c "..." and sh -c in every form', () => {
    expect(script('bash -c "\n  a &&\n  b\n"')).toBe("\n  a &&\n  b\n");
    expect(script("/bin/sh -c 'x'")).toBe("x");
    expect(script(["bash", "-c", "y"])).toBe("y");
    expect(script(["python3", "app.py"])).toBe("python3 app.py");
    expect(script("plain command")).toBe("plain command");
    expect(script("zsh -c 'x'")).toBe("zsh -c 'x'");
  });
});

describe("steps", () => {
  it("splits at &&, ;, & and line breaks, but not inside quotes or redirections", () => {
    expect(steps("a && b; c\nd")).toEqual(["a", "b", "c", "d"]);
    expect(steps("echo 'x && y' && z")).toEqual(["echo 'x && y'", "z"]);
    expect(steps("daemon >/dev/null 2>&1 & tail -f /dev/null")).toEqual([
      "daemon >/dev/null 2>&1 &",
      "tail -f /dev/null",
    ]);
    expect(steps("cmd &>/log")).toEqual(["cmd &>/log"]);
    expect(steps("  \n ;; ")).toEqual([]);
  });
});

describe("translate", () => {
  it("drops what keeps a container alive", () => {
    for (const keepAlive of ["tail -f /dev/null", "sleep infinity", "/bin/bash", "bash", "wait"]) {
      expect(outcomes(keepAlive)[0]?.kind).toBe("dropped");
    }
  });

  it("drops SEED's image start script, but runs a build's own in the background", () => {
    expect(outcomes("/start.sh")[0]?.kind).toBe("dropped");
    expect(outcomes("/start.sh", { ...context, copied: new Set(["/start.sh"]) })).toEqual([
      expect.objectContaining({ kind: "check", command: "/start.sh >/dev/null 2>&1 &" }),
    ]);
  });

  it("starts bind9 directly", () => {
    for (const start of [
      "service named start",
      "service bind9 restart",
      "/etc/init.d/named start",
    ]) {
      expect(outcomes(start)).toEqual([
        expect.objectContaining({ kind: "start", command: NAMED_START }),
      ]);
    }
  });

  it("turns route commands into routes through the node that holds the gateway address", () => {
    expect(outcomes("ip route del default")[0]?.kind).toBe("dropped");
    expect(outcomes("ip route add default via 10.9.0.11")).toEqual([
      expect.objectContaining({
        kind: "routes",
        routes: [
          { to: "dmz", via: "router" },
          { to: "far", via: "router" },
        ],
      }),
    ]);
    expect(outcomes("ip route add 192.168.60.0/24 via 10.9.0.11 dev eth0")).toEqual([
      expect.objectContaining({ routes: [{ to: "dmz", via: "router" }] }),
    ]);
    expect(outcomes("ip route replace 172.16.0.0/16 via 10.9.0.11")).toEqual([
      expect.objectContaining({ routes: [{ to: "172.16.0.0/16", via: "router" }] }),
    ]);
  });

  it("drops routes it cannot keep, saying why", () => {
    expect(outcomes("ip route add default via 10.9.0.1")[0]).toMatchObject({
      kind: "dropped",
      note: expect.stringContaining("no node's address"),
    });
    expect(outcomes("ip route add 10.0.0/99 via 10.9.0.11")[0]?.kind).toBe("dropped");
    const everywhere = { ...context, networks: new Set(["lan", "dmz", "far"]) };
    expect(outcomes("ip route add default via 10.9.0.11", everywhere)[0]?.kind).toBe("dropped");
  });

  it("drops NAT to the Internet", () => {
    expect(outcomes("iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE")[0]?.kind).toBe(
      "dropped",
    );
  });

  it("keeps other steps as written, flagging those that name a handout address", () => {
    expect(outcomes("python3 -m http.server 80 &")).toEqual([
      { kind: "start", command: "python3 -m http.server 80 &" },
    ]);
    expect(outcomes("ping -c 1 10.9.0.5")).toEqual([
      expect.objectContaining({ kind: "check", command: "ping -c 1 10.9.0.5" }),
    ]);
  });

  it("keeps every step's text for the report", () => {
    expect(
      translate('bash -c "ip route del default && tail -f /dev/null"', context).map(
        (s) => s.written,
      ),
    ).toEqual(["ip route del default", "tail -f /dev/null"]);
  });
});
