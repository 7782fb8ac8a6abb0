import { describe, expect, it } from "vitest";
import { ANONYMOUS_ROOT, PASSIVE_PORTS } from "../../src/roles/ftp.ts";
import { TLS_CERT_PATH, TLS_KEY_PATH } from "../../src/roles/tls-paths.ts";
import type { NodeDef } from "../../src/topology/model.ts";
import {
  configureOwn,
  fileText,
  loadNode,
  loadNodes,
  settings,
  withNodeConfig,
} from "../support/roles.ts";
import { problems, yaml } from "../topology/helpers.ts";

/** A lab with one ftp node whose config (flow mappings) starts on line 9. */
function withConfig(lines: string[]): string {
  return withNodeConfig({ name: "ftp", role: "ftp", host: ".21" }, lines);
}

async function vsftpd(lines: string[]) {
  const contribution = configureOwn(await loadNode(withConfig(lines), "ftp"));
  return { contribution, conf: settings(fileText(contribution, "/etc/vsftpd.conf") ?? "", "=") };
}

describe("ftp config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig([
          "anonymous: yes please",
          "users:",
          "  - { name: Alice, password: pw }",
          '  - { name: bob, password: "two\\nlines" }',
          "  - { name: bob, password: pw, shell: /bin/sh }",
          "  - { name: root, password: pw }",
          "  - { name: carol }",
          "passive: true",
        ]),
      ),
    ).toEqual([
      "lab.yaml:9:18: nodes.ftp.config.anonymous: expected true/false, found 'yes please'",
      "lab.yaml:11:19: nodes.ftp.config.users[0].name: a user name holds only a-z, 0-9, '_' and '-', and starts with a letter or '_'",
      "lab.yaml:12:34: nodes.ftp.config.users[1].password: a password must be on one line",
      "lab.yaml:13:38: nodes.ftp.config.users[2].shell: unknown field 'shell'",
      "lab.yaml:14:19: nodes.ftp.config.users[3].name: 'root' is a system account of the node's image",
      "lab.yaml:15:11: nodes.ftp.config.users[4].password: required",
      "lab.yaml:16:7: nodes.ftp.config.passive: unknown field 'passive'",
    ]);
  });

  it("refuses a user listed twice, at the second", async () => {
    expect(
      await problems(
        withConfig([
          "users:",
          "  - { name: alice, password: a }",
          "  - { name: alice, password: b }",
        ]),
      ),
    ).toEqual(["lab.yaml:11:19: nodes.ftp.config.users[1].name: user 'alice' is listed twice"]);
  });

  it("refuses FTPS in a lab with no CA", async () => {
    expect(await problems(withConfig(["anonymous: true", "tls: true"]))).toEqual([
      "lab.yaml:10:12: nodes.ftp.config.tls: tls needs a certificate from the lab CA: add a node with role 'ca'",
    ]);
  });

  it("refuses a server nobody could log in to", async () => {
    expect(await problems(withConfig(["anonymous: false"]))).toEqual([
      "lab.yaml:8:5: nodes.ftp.config: nobody could log in: give users or set anonymous: true",
    ]);
  });
});

describe("vsftpd.conf", () => {
  it("lets anonymous users read the anonymous root and never write", async () => {
    const { conf } = await vsftpd(["anonymous: true"]);
    expect(conf.get("anonymous_enable")).toEqual(["YES"]);
    expect(conf.get("anon_root")).toEqual([ANONYMOUS_ROOT]);
    for (const write of [
      "anon_upload_enable",
      "anon_mkdir_write_enable",
      "anon_other_write_enable",
    ])
      expect(conf.get(write)).toEqual(["NO"]);
    expect(conf.get("local_enable")).toEqual(["NO"]);
  });

  it("lets local users in, chrooted in homes they write, and anonymous ones only when asked", async () => {
    const { conf } = await vsftpd(["users: [{ name: alice, password: pw }]"]);
    expect(conf.get("anonymous_enable")).toEqual(["NO"]);
    expect(conf.get("local_enable")).toEqual(["YES"]);
    expect(conf.get("write_enable")).toEqual(["YES"]);
    expect(conf.get("chroot_local_user")).toEqual(["YES"]);
    expect(conf.get("allow_writeable_chroot")).toEqual(["YES"]);
  });

  it("runs in the background, in passive mode on the fixed ports, announcing no fixed address", async () => {
    const { conf } = await vsftpd(["anonymous: true"]);
    expect(conf.get("listen")).toEqual(["YES"]);
    expect(conf.get("background")).toEqual(["YES"]);
    expect(conf.get("pasv_enable")).toEqual(["YES"]);
    expect(conf.get("pasv_min_port")).toEqual([String(PASSIVE_PORTS.min)]);
    expect(conf.get("pasv_max_port")).toEqual([String(PASSIVE_PORTS.max)]);
    // vsftpd then answers PASV with the address the client reached, on whichever network.
    expect(conf.has("pasv_address")).toBe(false);
  });

  it("sets every option once", async () => {
    const { conf } = await vsftpd(["anonymous: true", "users: [{ name: alice, password: pw }]"]);
    expect([...conf].filter(([, values]) => values.length > 1)).toEqual([]);
  });
});

describe("FTPS", () => {
  const lab = yaml`
    name: lab
    networks:
      lan: { subnet: 10.0.0.0/24 }
    nodes:
      ca: { role: ca, networks: { lan: .5 } }
      ftp:
        role: ftp
        networks: { lan: .21 }
        config: { anonymous: true, tls: true }
  `;

  it("is offered to anonymous and local users, never required, with the lab CA's certificate", async () => {
    const { conf } = await vsftpd(["anonymous: true", "tls: false"]);
    expect(conf.has("ssl_enable")).toBe(false);
    const nodes = await loadNodes(lab);
    const tls = configureOwn(nodes[1] as NodeDef, nodes);
    const on = settings(fileText(tls, "/etc/vsftpd.conf") ?? "", "=");
    expect(on.get("ssl_enable")).toEqual(["YES"]);
    expect(on.get("allow_anon_ssl")).toEqual(["YES"]);
    expect(on.get("force_local_logins_ssl")).toEqual(["NO"]);
    expect(on.get("force_local_data_ssl")).toEqual(["NO"]);
    expect(on.get("rsa_cert_file")).toEqual([TLS_CERT_PATH]);
    expect(on.get("rsa_private_key_file")).toEqual([TLS_KEY_PATH]);
    // Python's ftplib does not resume the TLS session on data connections.
    expect(on.get("require_ssl_reuse")).toEqual(["NO"]);
  });

  it("gets its certificate from the CA, for its name and address, before vsftpd starts", async () => {
    const nodes = await loadNodes(lab);
    const contribution = configureOwn(nodes[1] as NodeDef, nodes);
    expect(contribution.after).toBeUndefined();
    expect(contribution.start?.[0]).toBe(
      "/usr/local/sbin/socketlab-request-cert '10.9.0.2' 'ftp' '10.9.0.3'",
    );
    expect(contribution.start?.at(-1)).toBe("vsftpd /etc/vsftpd.conf");
  });
});

describe("the ftp node's start", () => {
  it("creates the users, then starts vsftpd; ready when port 21 greets with 220", async () => {
    const { contribution } = await vsftpd([
      'users: [{ name: alice, password: "it\'s $x" }, { name: bob, password: b }]',
    ]);
    expect(contribution.start).toEqual([
      "id -u 'alice' >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash 'alice' && chown -R 'alice': '/home/alice'; }",
      "id -u 'bob' >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash 'bob' && chown -R 'bob': '/home/bob'; }",
      "printf '%s\\n' 'alice:it'\\''s $x' 'bob:b' | chpasswd",
      "mkdir -p /var/run/vsftpd/empty",
      "vsftpd /etc/vsftpd.conf",
    ]);
    expect(contribution.ready?.command).toContain("127.0.0.1 21");
    expect(contribution.ready?.command).toContain("'^220 '");
  });
});
