// The mail role's config as a topology writes it: every mistake reported at its place, and what
// the schema and the role's check cannot let through.
import { describe, expect, it } from "vitest";
import type { MailConfig } from "../../src/roles/mail/schema.ts";
import { withNodeConfig } from "../support/roles.ts";
import { load, problems, yaml } from "../topology/helpers.ts";

/** A lab with a CA and one mail node whose config (flow mappings) starts on line 12. */
function withConfig(lines: string[]): string {
  return withNodeConfig({ name: "mail", role: "mail", host: ".25" }, lines, [
    "ca:",
    "  role: ca",
    "  networks: { lan: .5 }",
  ]);
}

const DOMAINS = "domains: { example.com: mail.example.com }";
const USERS = "users: { alice@example.com: pw }";

describe("mail config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig([
          "domains: { Example.com: mail.example.com, example.net: mail_1.example.net }",
          "users:",
          "  alice: pw",
          '  bob@example.net: "two\\nlines"',
          "  carol..x@example.net: pw",
          "tls: sometimes",
          "relayhost: smtp.example.com",
        ]),
      ),
    ).toEqual([
      "lab.yaml:12:18: nodes.mail.config.domains.Example.com: a mail domain is a DNS name: lowercase labels of a-z, 0-9 and '-', joined by '.'",
      "lab.yaml:12:62: nodes.mail.config.domains.example.net: a mail host is a DNS name (its MX record's target): lowercase labels of a-z, 0-9 and '-', joined by '.'",
      "lab.yaml:14:9: nodes.mail.config.users.alice: a user is an address like alice@example.com: a-z, 0-9, '_', '-' and '.' before the @, a domain after",
      "lab.yaml:15:26: nodes.mail.config.users.bob@example.net: a password must be on one line",
      "lab.yaml:16:9: nodes.mail.config.users.carol..x@example.net: a user is an address like alice@example.com: a-z, 0-9, '_', '-' and '.' before the @, a domain after",
      "lab.yaml:17:12: nodes.mail.config.tls: expected true/false, found 'sometimes'",
      "lab.yaml:18:7: nodes.mail.config.relayhost: unknown field 'relayhost'",
    ]);
  });

  it("needs domains and users", async () => {
    expect(await problems(withConfig(["tls: true"]))).toEqual([
      "lab.yaml:11:5: nodes.mail.config.domains: required",
      "lab.yaml:11:5: nodes.mail.config.users: required",
    ]);
    expect(await problems(withConfig(["domains: {}", "users: {}"]))).toEqual([
      "lab.yaml:12:7: nodes.mail.config.domains: give at least one domain and its mail host, like example.com: mail.example.com",
      "lab.yaml:13:7: nodes.mail.config.users: give at least one user, like alice@example.com: password",
    ]);
  });

  it("refuses a user of a domain the node does not serve, naming the ones it does", async () => {
    expect(
      await problems(
        withConfig([
          "domains: { example.com: mail.example.com, example.net: mail.example.com }",
          "users: { alice@example.com: pw, bob@example.org: pw }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:13:56: nodes.mail.config.users.bob@example.org: 'example.org' is not among this node's domains (example.com, example.net)",
    ]);
  });

  it("takes a local part of dots, dashes and underscores, and a password with anything on one line", async () => {
    const result = await load(
      withConfig([DOMAINS, 'users: { first.last_1-x@example.com: "it\'s: a $pass` \\\\ " }']),
    );
    expect(result.ok).toBe(true);
    const config = result.ok
      ? (result.topology.nodes.find((n) => n.name === "mail")?.config as MailConfig)
      : undefined;
    expect(config).toEqual({
      domains: { "example.com": "mail.example.com" },
      users: { "first.last_1-x@example.com": "it's: a $pass` \\ " },
    });
  });

  it("refuses an address whose local part is longer than 64 characters", async () => {
    const long = `${"a".repeat(65)}@example.com`;
    expect(await problems(withConfig([DOMAINS, `users: { ${long}: pw }`]))).toEqual([
      `lab.yaml:13:16: nodes.mail.config.users.${long}: a user is an address like alice@example.com: a-z, 0-9, '_', '-' and '.' before the @, a domain after`,
    ]);
    expect(
      await problems(withConfig([DOMAINS, `users: { ${"a".repeat(64)}@example.com: pw }`])),
    ).toEqual([]);
  });
});

describe("the mail role's check", () => {
  it("refuses tls: true with no CA in the lab, or none on the node's networks", async () => {
    const noCa = withConfig([DOMAINS, USERS, "tls: true"]).replace("role: ca", "role: client");
    expect(await problems(noCa)).toEqual([
      "lab.yaml:14:12: nodes.mail.config.tls: tls needs a certificate from the lab CA: add a node with role 'ca'",
    ]);
    const elsewhere = withConfig([DOMAINS, USERS, "tls: true"])
      .replace(
        "lan: { subnet: 10.0.0.0/24 }",
        "lan: { subnet: 10.0.0.0/24 }\n  pki: { subnet: 10.0.1.0/24 }",
      )
      .replace("networks: { lan: .5 }", "networks: { pki: .5 }");
    expect(await problems(elsewhere)).toEqual([
      "lab.yaml:15:12: nodes.mail.config.tls: tls needs a certificate from the lab CA, but shares no network with its CA node 'ca'",
    ]);
  });

  it("lets a node without a CA go without TLS when it does not ask for it", async () => {
    const noCa = (lines: string[]) => withConfig(lines).replace("role: ca", "role: client");
    expect(await problems(noCa([DOMAINS, USERS]))).toEqual([]);
    expect(await problems(noCa([DOMAINS, USERS, "tls: false"]))).toEqual([]);
  });

  it("refuses a domain that an earlier mail node already receives mail for, at the later one", async () => {
    const text = `${withConfig([DOMAINS, USERS])}${yaml`
      mail2:
        role: mail
        networks: { lan: .26 }
        config:
          domains: { example.org: mx.example.org, example.com: mx.example.org }
          users: { bob@example.org: pw }
    `
      .split("\n")
      .map((line) => (line === "" ? "" : `  ${line}`))
      .join("\n")}`;
    expect(await problems(text)).toEqual([
      "lab.yaml:18:60: nodes.mail2.config.domains.example.com: node 'mail' already receives mail for example.com: each domain has one mail node",
    ]);
  });
});
