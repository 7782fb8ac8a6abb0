// A mail node as the planner builds it: its files, its start (certificate, users, dovecot,
// postfix), its readiness, and the users' passwords reaching the node's script unchanged.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planLab } from "../../src/plan/plan.ts";
import type { NodePlan } from "../../src/plan/types.ts";
import { usersCommand } from "../../src/roles/mail/index.ts";
import { type MailConfig, mailConfig } from "../../src/roles/mail/schema.ts";
import { request } from "../plan/helpers.ts";
import { withNodeConfig } from "../support/roles.ts";
import { load } from "../topology/helpers.ts";

/** A lab with a CA and one mail node whose config (flow mappings) starts on line 12. */
function withConfig(lines: string[]): string {
  return withNodeConfig({ name: "mail", role: "mail", host: ".25" }, lines, [
    "ca:",
    "  role: ca",
    "  networks: { lan: .5 }",
  ]);
}

const CONFIG = [
  "domains: { example.com: mail.example.com, example.net: mail.example.com, example.org: mx.example.org }",
  "users: { alice@example.com: 'it''s $x', bob@example.org: b }",
];

/** The mail node of `text` as planned for lab `alice` (pool 10.200.0.0/16). */
async function mailNode(text: string): Promise<NodePlan> {
  const loaded = await load(text);
  if (!loaded.ok) throw new Error(`does not load: ${JSON.stringify(loaded.diagnostics)}`);
  const result = planLab(loaded.topology, request());
  if (!result.ok) throw new Error(result.error);
  const node = result.plan.nodes.find((n) => n.name === "mail");
  if (!node) throw new Error("no mail node");
  return node;
}

const fileText = (node: NodePlan, path: string) => {
  const file = node.files.find((f) => f.path === path);
  return file && Buffer.from(file.contentBase64, "base64").toString("utf8");
};

const REQUEST = "/usr/local/sbin/socketlab-request-cert";
const TRUST = "/usr/local/sbin/socketlab-trust-ca 10.200.0.5";
const USERS = "socketlab-mail-users 'alice@example.com' 'it'\\''s $x' 'bob@example.org' 'b'";

describe("a mail node with the lab CA", () => {
  it("gets postfix's and dovecot's files, and the CA's scripts", async () => {
    const node = await mailNode(withConfig(CONFIG));
    expect(node.files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ["/usr/local/sbin/socketlab-trust-ca", "755"],
      [REQUEST, "755"],
      ["/etc/postfix/main.cf", "644"],
      ["/etc/postfix/master.cf", "644"],
      ["/etc/postfix/virtual-mailboxes", "644"],
      ["/etc/dovecot/dovecot.conf", "644"],
    ]);
    expect(fileText(node, "/etc/postfix/main.cf")).toContain("smtpd_tls_auth_only = yes");
    expect(fileText(node, "/etc/dovecot/dovecot.conf")).toContain("ssl = required");
  });

  it("trusts the CA, gets a certificate for its name, mail hosts and address, then starts", async () => {
    const node = await mailNode(withConfig(CONFIG));
    expect(node.start).toEqual([
      TRUST,
      // Each mail host once: two domains share mail.example.com.
      `${REQUEST} '10.200.0.5' 'mail' 'mail.example.com' 'mx.example.org' '10.200.0.25'`,
      USERS,
      "dovecot",
      "postfix start",
    ]);
    expect(node.after).toEqual([]);
  });

  it("goes without TLS when told, though the CA is there", async () => {
    const node = await mailNode(withConfig([...CONFIG, "tls: false"]));
    expect(node.start).toEqual([TRUST, USERS, "dovecot", "postfix start"]);
    expect(fileText(node, "/etc/postfix/main.cf")).toContain("smtpd_tls_security_level = none");
    expect(fileText(node, "/etc/dovecot/dovecot.conf")).toContain("ssl = no");
  });

  it("is ready when postfix greets on 25 and dovecot on 143, read before saying goodbye", async () => {
    const node = await mailNode(withConfig(CONFIG));
    const command = node.ready?.command ?? "";
    expect(node.ready?.timeoutSeconds).toBe(30);
    expect(command.startsWith("bash -c '")).toBe(true);
    // The script bash gets, unquoted by sh.
    const script = execFileSync(
      "/bin/sh",
      ["-c", `printf '%s' ${command.slice("bash -c ".length)}`],
      {
        encoding: "utf8",
      },
    );
    expect(script).toBe(
      [
        `{ exec 3<>/dev/tcp/127.0.0.1/25 && read -r -t 2 line <&3 && [[ $line == "220 "* ]] && printf 'QUIT\\r\\n' >&3; }`,
        `{ exec 3<>/dev/tcp/127.0.0.1/143 && read -r -t 2 line <&3 && [[ $line == "* OK"* ]] && printf 'a LOGOUT\\r\\n' >&3; }`,
      ].join(" && "),
    );
  });
});

describe("a mail node in a lab with no CA", () => {
  it("starts without TLS, no certificate asked for, waiting for no one", async () => {
    const node = await mailNode(withConfig(CONFIG).replace("role: ca", "role: client"));
    expect(node.start).toEqual([USERS, "dovecot", "postfix start"]);
    expect(node.files.map((f) => f.path)).not.toContain(REQUEST);
    expect(node.after).toEqual([]);
    expect(fileText(node, "/etc/postfix/main.cf")).not.toContain("smtpd_tls_cert_file");
    expect(fileText(node, "/etc/dovecot/dovecot.conf")).toContain("disable_plaintext_auth = no");
  });
});

describe("the users' start command", () => {
  const AWKWARD = [
    `it's "quoted"`,
    "two  spaces and a trailing one ",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: sh's ${...}, which must stay literal
    "$HOME ${PATH} $(id) `id` $1",
    "back\\slash\\n and %s %d",
    "colon:in:it",
    "-n",
    "'",
    "glob * ? [a]",
    "semi; rm -rf / & echo | cat > x",
  ];

  it("hands the node's script every address and password as they were written", () => {
    const users = Object.fromEntries(AWKWARD.map((password, i) => [`u${i}@example.com`, password]));
    const config: MailConfig = mailConfig.parse({
      domains: { "example.com": "mail.example.com" },
      users,
    });
    // A stand-in for the image's script: one [word] per line for each argument it gets.
    const bin = mkdtempSync(join(tmpdir(), "mail-users-"));
    writeFileSync(join(bin, "socketlab-mail-users"), "#!/bin/sh\nprintf '[%s]\\n' \"$@\"\n");
    chmodSync(join(bin, "socketlab-mail-users"), 0o755);
    const out = execFileSync("/bin/sh", ["-c", `set -e\n${usersCommand(config)}`], {
      encoding: "utf8",
      env: { PATH: `${bin}:/usr/bin:/bin` },
    });
    expect(out).toBe(
      Object.entries(users)
        .flat()
        .map((word) => `[${word}]\n`)
        .join(""),
    );
  });
});
