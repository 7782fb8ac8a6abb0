// Names that would inject into Docker names, labels, file paths or shell commands are refused
// where they are written; text that is meant for a shell (start commands) or a program (env
// values) reaches the node unchanged.
import { describe, expect, it } from "vitest";
import { validateLabId } from "../../src/plan/naming.ts";
import { planLab } from "../../src/plan/plan.ts";
import { load } from "./helpers.ts";

/** Hostile variants of a legitimate value: shell syntax, a line break, a look-alike, a path. */
function hostile(base: string, { long = true, upper = false } = {}): string[] {
  return [
    `${base};reboot`,
    `${base}$(reboot)`,
    `${base}\`reboot\``,
    `${base}\nreboot`,
    `${base}|reboot`,
    `${base}'`,
    `../${base}`,
    `${base}/../x`,
    `${base} x`,
    `${base}\u0430`, // Cyrillic a, which looks like the Latin one
    ...(long ? [base + "a".repeat(300)] : []),
    ...(upper ? [base.toUpperCase()] : []),
  ];
}

/** Nodes a (role `role`, with `extra` YAML) and b, which alone is on `far` (a route's target). */
function topology(extra: string, { role = "client", nodeName = "a", network = "lan" } = {}) {
  return `name: lab
networks:
  lan: { subnet: 10.0.0.0/24 }
  ${network}: { subnet: 10.0.1.0/24 }
  far: { subnet: 10.0.2.0/24 }
nodes:
  ${nodeName}:
    role: ${role}
    networks: { lan: .2, ${network}: .2 }
${extra}
  b:
    networks: { lan: .3, far: .3 }
`;
}

/** A value as a YAML scalar: a JSON string is a double-quoted YAML one, escapes and all. */
const q = (value: string) => JSON.stringify(value);

interface Case {
  field: string;
  /** The start of the diagnostic's field. */
  at: string;
  values: string[];
  text: (value: string) => string;
}

const CASES: Case[] = [
  {
    field: "topology name",
    at: "name",
    values: hostile("lab", { upper: true }),
    text: (v) => topology("").replace("name: lab", `name: ${q(v)}`),
  },
  {
    field: "node name",
    at: "nodes.",
    values: hostile("a", { upper: true }),
    text: (v) => topology("", { nodeName: q(v) }),
  },
  {
    field: "network name",
    at: "networks.",
    values: hostile("dmz", { upper: true }),
    text: (v) => topology("", { network: q(v) }),
  },
  {
    field: "role",
    at: "nodes.a.role",
    values: hostile("client", { upper: true }),
    text: (v) => topology("", { role: q(v) }),
  },
  {
    field: "env key",
    at: "nodes.a.env",
    values: hostile("GREETING", { long: false }),
    text: (v) => topology(`    env: { ${q(v)}: hello }`),
  },
  {
    field: "file path",
    at: "nodes.a.files[0].path",
    values: ["../etc/passwd", "etc/passwd", "/etc/../../x", "/etc/./x", "/etc//x", "/etc/", "/"],
    text: (v) => topology(`    files: [{ path: ${q(v)}, content: x }]`),
  },
  {
    field: "capability",
    at: "nodes.a.capabilities[0]",
    values: hostile("NET_ADMIN"),
    text: (v) => topology(`    capabilities: [${q(v)}]`),
  },
  {
    field: "sysctl key",
    at: "nodes.a.sysctls",
    values: hostile("net.ipv4.ip_forward", { long: false }),
    text: (v) => topology(`    sysctls: { ${q(v)}: 1 }`),
  },
  {
    field: "resolver",
    at: "nodes.a.resolver",
    values: hostile("b"),
    text: (v) => topology(`    resolver: ${q(v)}`),
  },
  {
    field: "default resolver",
    at: "defaults.resolver",
    values: hostile("b"),
    text: (v) =>
      topology("").replace("networks:\n", `defaults: { resolver: ${q(v)} }\nnetworks:\n`),
  },
  {
    field: "route destination",
    at: "nodes.a.routes[0].to",
    values: hostile("far"),
    text: (v) => topology(`    routes: [{ to: ${q(v)}, via: b }]`),
  },
  {
    field: "route gateway",
    at: "nodes.a.routes[0].via",
    values: hostile("b", { upper: true }),
    text: (v) => topology(`    routes: [{ to: far, via: ${q(v)} }]`),
  },
  {
    field: "role config: a user's name",
    at: "nodes.a.config.users[0].name",
    values: hostile("alice", { upper: true }),
    text: (v) =>
      topology(`    config: { users: [{ name: ${q(v)}, password: pw }] }`, { role: "ssh" }),
  },
  {
    field: "role config: a password on two lines",
    at: "nodes.a.config.users[0].password",
    values: ["pw\nalice2:pw", "pw\rx", "pw\0x"],
    text: (v) =>
      topology(`    config: { users: [{ name: alice, password: ${q(v)} }] }`, { role: "ssh" }),
  },
];

describe("the topology loader refuses injected names", () => {
  for (const { field, at, values, text } of CASES) {
    it.each(values.map((value) => [JSON.stringify(value), value]))(
      `${field} %s`,
      async (_, value) => {
        const written = text(value);
        const result = await load(written);
        expect(result.ok).toBe(false);
        if (result.ok) return;
        const lines = written.split("\n").length;
        const here = result.diagnostics.filter((d) => d.field.startsWith(at));
        expect(here, JSON.stringify(result.diagnostics)).not.toEqual([]);
        for (const d of here) {
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toBe("");
        }
      },
    );
  }

  it("loads the legitimate values the hostile ones were made from", async () => {
    const result = await load(
      topology(
        [
          "    env: { GREETING: hello }",
          "    files: [{ path: /etc/motd, content: x }]",
          "    capabilities: [NET_ADMIN]",
          "    sysctls: { net.ipv4.ip_forward: 1 }",
          "    resolver: b",
          "    routes: [{ to: far, via: b }]",
        ].join("\n"),
        { network: "dmz" },
      ),
    );
    expect(result.ok ? [] : result.diagnostics).toEqual([]);
  });
});

describe("lab ids", () => {
  it.each(hostile("alice-demo", { upper: true }).map((id) => [JSON.stringify(id), id]))(
    "refuses %s",
    (_, id) => {
      expect(validateLabId(id)).toMatch(/^lab id .* must/);
    },
  );
});

describe("text meant for a shell or a program", () => {
  const awkward = [
    `printf '%s\\n' "$(hostname)" \`id -u\` > /tmp/out; echo "it's done" | tee -a /tmp/out`,
    "echo a && echo b || echo c # a comment",
    "echo ünïcödé \\ backslash $HOME",
  ];

  it("keeps start commands as written, each on its own line of the node's script", async () => {
    const result = await load(
      topology(`    start: ${JSON.stringify(awkward)}\n    env: { NOTE: ${q(awkward[0] ?? "")} }`, {
        network: "dmz",
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
    const planned = planLab(result.topology, {
      lab: "alice-demo",
      owner: "alice",
      pool: ["10.200.0.0/16"],
      taken: [],
      existing: {},
    });
    if (!planned.ok) throw new Error(planned.error);
    const node = planned.plan.nodes.find((n) => n.name === "a");
    const [shell, flag, script] = node?.command ?? [];
    expect([shell, flag]).toEqual(["/bin/sh", "-c"]);
    const lines = (script ?? "").split("\n");
    for (const command of awkward) expect(lines).toContain(command);
    // Docker passes the environment as KEY=value strings, with no shell in between.
    expect(node?.env).toContain(`NOTE=${awkward[0]}`);
  });
});
