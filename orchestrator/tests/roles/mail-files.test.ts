// The files a mail node's postfix and dovecot run on, generated from its config: with TLS (a
// certificate from the lab CA) and without.
import { describe, expect, it } from "vitest";
import { dovecotConf } from "../../src/roles/mail/dovecot.ts";
import { mailboxesFile, mainCf, masterCf } from "../../src/roles/mail/postfix.ts";
import { mailConfig } from "../../src/roles/mail/schema.ts";
import { type MailServer, mailServer } from "../../src/roles/mail/server.ts";

function server(tls: boolean): MailServer {
  const config = mailConfig.parse({
    domains: { "example.com": "mail.example.com", "example.net": "mx.example.net" },
    users: { "alice@example.com": "a", "bob@example.net": "b", "carol@example.com": "c" },
  });
  return mailServer(config, tls);
}

/** main.cf's `key = value` lines; a key set twice is kept twice. */
function mainSettings(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    const match = /^([A-Za-z_0-9]+) =(?: (.*))?$/.exec(line);
    if (!match) throw new Error(`not a main.cf setting: '${line}'`);
    const [, key = "", value = ""] = match;
    map.set(key, [...(map.get(key) ?? []), value]);
  }
  return map;
}

/** Each master.cf service (`name/type`): its fields, then its -o options. */
function masterServices(text: string): Map<string, { fields: string[]; options: string[] }> {
  const services = new Map<string, { fields: string[]; options: string[] }>();
  let last: { fields: string[]; options: string[] } | undefined;
  for (const line of text.split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    if (line.startsWith(" ")) {
      last?.options.push(line.trim().replace(/^-o /, ""));
      continue;
    }
    const [name, type, ...fields] = line.split(/\s+/);
    last = { fields, options: [] };
    services.set(`${name}/${type}`, last);
  }
  return services;
}

/** dovecot.conf's settings by their block path: `service imap-login/inet_listener imaps/port`. */
function dovecotSettings(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const blocks: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("{")) {
      blocks.push(line.slice(0, -1).trim());
    } else if (line === "}") {
      if (blocks.pop() === undefined) throw new Error("unbalanced }");
    } else {
      const at = line.indexOf(" = ");
      const key = [...blocks, line.slice(0, at)].join("/");
      if (map.has(key)) throw new Error(`${key} is set twice`);
      map.set(key, line.slice(at + 3));
    }
  }
  if (blocks.length > 0) throw new Error(`unclosed: ${blocks.join(", ")}`);
  return map;
}

describe("main.cf", () => {
  it("names the node by its first domain's mail host and speaks IPv4 only", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("myhostname")).toEqual(["mail.example.com"]);
    expect(main.get("inet_protocols")).toEqual(["ipv4"]);
    expect(main.get("inet_interfaces")).toEqual(["all"]);
  });

  it("receives mail for the node's domains, for its users only, and hands it to dovecot", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("virtual_mailbox_domains")).toEqual(["example.com example.net"]);
    expect(main.get("virtual_mailbox_maps")).toEqual(["texthash:/etc/postfix/virtual-mailboxes"]);
    expect(main.get("virtual_transport")).toEqual(["lmtp:unix:private/dovecot-lmtp"]);
    // Nothing is delivered to system accounts.
    for (const key of ["mydestination", "alias_maps", "local_recipient_maps"]) {
      expect(main.get(key)).toEqual([""]);
    }
  });

  it("sends other domains' mail where their MX records say, relaying for no one unknown", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("relayhost")).toEqual([""]);
    expect(main.get("mynetworks")).toEqual(["127.0.0.0/8"]);
    expect(main.get("smtpd_relay_restrictions")).toEqual([
      "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
    ]);
    expect(main.has("smtp_host_lookup")).toBe(false); // postfix's default: DNS, MX first
  });

  it("asks dovecot about logins, which only the submission port takes", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("smtpd_sasl_type")).toEqual(["dovecot"]);
    expect(main.get("smtpd_sasl_path")).toEqual(["private/auth"]);
    expect(main.get("smtpd_sasl_auth_enable")).toEqual(["no"]);
  });

  it("with TLS: the lab CA's certificate, STARTTLS offered, no login before it", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("smtpd_tls_cert_file")).toEqual(["/etc/socketlab/tls/server.crt"]);
    expect(main.get("smtpd_tls_key_file")).toEqual(["/etc/socketlab/tls/server.key"]);
    expect(main.get("smtpd_tls_security_level")).toEqual(["may"]);
    expect(main.get("smtpd_tls_auth_only")).toEqual(["yes"]);
    expect(main.get("smtp_tls_security_level")).toEqual(["may"]);
  });

  it("without TLS: no certificate, and logins in clear", () => {
    const main = mainSettings(mainCf(server(false)));
    expect([...main.keys()].filter((key) => /cert|key_file|CAfile/.test(key))).toEqual([]);
    expect(main.get("smtpd_tls_security_level")).toEqual(["none"]);
    expect(main.get("smtp_tls_security_level")).toEqual(["none"]);
    expect(main.get("smtpd_tls_auth_only")).toEqual(["no"]);
  });

  it("sets every option once, with TLS or without", () => {
    for (const tls of [true, false]) {
      const main = mainSettings(mainCf(server(tls)));
      expect([...main].filter(([, values]) => values.length > 1)).toEqual([]);
    }
  });

  it("retries deferred mail within a minute", () => {
    const main = mainSettings(mainCf(server(true)));
    expect(main.get("queue_run_delay")).toEqual(["10s"]);
    expect(main.get("maximal_backoff_time")).toEqual(["60s"]);
  });
});

describe("master.cf", () => {
  it("runs no service chrooted: they read the node's own resolv.conf and hosts", () => {
    const services = masterServices(masterCf(server(true)));
    expect(services.size).toBe(26);
    for (const [name, { fields }] of services) expect([name, fields[2]]).toEqual([name, "n"]);
  });

  it("listens on smtp (25) and submission (587), with postlogd for the log file", () => {
    const services = masterServices(masterCf(server(true)));
    expect(services.get("smtp/inet")?.fields).toEqual(["n", "-", "n", "-", "-", "smtpd"]);
    expect(services.get("smtp/inet")?.options).toEqual([]);
    expect(services.get("submission/inet")?.fields).toEqual(["n", "-", "n", "-", "-", "smtpd"]);
    expect(services.get("postlog/unix-dgram")?.fields).toEqual([
      "n",
      "-",
      "n",
      "-",
      "1",
      "postlogd",
    ]);
    expect(services.get("lmtp/unix")?.fields.at(-1)).toBe("lmtp");
    expect(services.get("smtp/unix")?.fields.at(-1)).toBe("smtp");
  });

  it("takes mail on submission only after a login, and with TLS only after STARTTLS", () => {
    const options = masterServices(masterCf(server(true))).get("submission/inet")?.options;
    expect(options).toEqual([
      "syslog_name=postfix/submission",
      "smtpd_tls_security_level=encrypt",
      "smtpd_sasl_auth_enable=yes",
      "smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination",
      "smtpd_recipient_restrictions=permit_sasl_authenticated,reject",
    ]);
    const plain = masterServices(masterCf(server(false))).get("submission/inet")?.options;
    expect(plain).toEqual(options?.filter((o) => !o.startsWith("smtpd_tls_security_level")));
  });
});

describe("the mailbox table", () => {
  it("lists every user's address, in the order written", () => {
    expect(mailboxesFile(server(true))).toBe(
      "alice@example.com OK\nbob@example.net OK\ncarol@example.com OK\n",
    );
  });
});

describe("dovecot.conf", () => {
  it("serves IMAP, POP3 and LMTP to everyone, logging to its own file", () => {
    const conf = dovecotSettings(dovecotConf(server(true)));
    expect(conf.get("protocols")).toBe("imap pop3 lmtp");
    expect(conf.get("listen")).toBe("*");
    expect(conf.get("log_path")).toBe("/var/log/dovecot.log");
  });

  it("checks passwords in the users file; every user is vmail, with a home per address", () => {
    const conf = dovecotSettings(dovecotConf(server(true)));
    expect(conf.get("passdb/driver")).toBe("passwd-file");
    expect(conf.get("passdb/args")).toBe("/etc/dovecot/users");
    expect(conf.get("userdb/driver")).toBe("static");
    expect(conf.get("userdb/args")).toBe("uid=vmail gid=vmail home=/var/mail/vhosts/%d/%n");
    expect(conf.get("mail_location")).toBe("maildir:~/Maildir");
    expect(conf.get("auth_username_format")).toBe("%Lu");
  });

  it("gives postfix its LMTP and login sockets in postfix's private folder", () => {
    const conf = dovecotSettings(dovecotConf(server(true)));
    const lmtp = "service lmtp/unix_listener /var/spool/postfix/private/dovecot-lmtp";
    const auth = "service auth/unix_listener /var/spool/postfix/private/auth";
    for (const socket of [lmtp, auth]) {
      expect(conf.get(`${socket}/user`)).toBe("postfix");
      expect(conf.get(`${socket}/group`)).toBe("postfix");
    }
    expect(conf.get(`${lmtp}/mode`)).toBe("0600");
    expect(conf.get(`${auth}/mode`)).toBe("0660");
  });

  it("with TLS: STARTTLS on 143 and 110, implicit TLS on 993 and 995, no password before TLS", () => {
    const conf = dovecotSettings(dovecotConf(server(true)));
    expect(conf.get("ssl")).toBe("required");
    expect(conf.get("ssl_cert")).toBe("</etc/socketlab/tls/server.crt");
    expect(conf.get("ssl_key")).toBe("</etc/socketlab/tls/server.key");
    expect(conf.get("disable_plaintext_auth")).toBe("yes");
    expect(listeners(conf)).toEqual({ imap: "143", imaps: "993", pop3: "110", pop3s: "995" });
    expect(conf.get("service imap-login/inet_listener imaps/ssl")).toBe("yes");
    expect(conf.get("service pop3-login/inet_listener pop3s/ssl")).toBe("yes");
  });

  it("without TLS: no certificate, no implicit-TLS ports, passwords in clear", () => {
    const conf = dovecotSettings(dovecotConf(server(false)));
    expect(conf.get("ssl")).toBe("no");
    expect(conf.has("ssl_cert")).toBe(false);
    expect(conf.get("disable_plaintext_auth")).toBe("no");
    expect(listeners(conf)).toEqual({ imap: "143", imaps: "0", pop3: "110", pop3s: "0" });
  });
});

function listeners(conf: Map<string, string>): Record<string, string | undefined> {
  const port = (login: string, name: string) =>
    conf.get(`service ${login}-login/inet_listener ${name}/port`);
  return {
    imap: port("imap", "imap"),
    imaps: port("imap", "imaps"),
    pop3: port("pop3", "pop3"),
    pop3s: port("pop3", "pop3s"),
  };
}
