import { describe, expect, it } from "vitest";
import { AUTHORIZED_KEYS_DIR } from "../../src/roles/ssh.ts";
import { configureOwn, fileText, loadNode, settings, withNodeConfig } from "../support/roles.ts";
import { problems } from "../topology/helpers.ts";

const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKl3a8Y4mXo1b0qVq9vN3r7lM0wS5n9Qh2dJ9m4v2c8L";
const ECDSA =
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBA== carol@lab";

/** A lab with one ssh node whose config (flow mappings) starts on line 9. */
function withConfig(lines: string[]): string {
  return withNodeConfig({ name: "ssh", role: "ssh", host: ".22" }, lines);
}

async function configured(lines: string[]) {
  const contribution = configureOwn(await loadNode(withConfig(lines), "ssh"));
  const text = fileText(contribution, "/etc/ssh/sshd_config") ?? "";
  return { contribution, sshd: settings(text, " ") };
}

describe("ssh config in the topology", () => {
  it("reports each bad field at its place", async () => {
    expect(
      await problems(
        withConfig([
          "passwordAuthentication: no thanks",
          "users:",
          "  - { name: bob }",
          "  - { name: carol, authorizedKeys: [not a key] }",
          `  - { name: dave, authorizedKeys: ["${ED25519}\\nssh-rsa AAAA"] }`,
          "  - { name: Eve, password: pw }",
        ]),
      ),
    ).toEqual([
      "lab.yaml:9:31: nodes.ssh.config.passwordAuthentication: expected true/false, found 'no thanks'",
      "lab.yaml:11:11: nodes.ssh.config.users[0]: give the user a password or authorizedKeys: without either nobody logs in as them",
      "lab.yaml:12:43: nodes.ssh.config.users[1].authorizedKeys[0]: an authorized key is one line like 'ssh-ed25519 AAAAC3Nza... comment' (a .pub file's content)",
      "lab.yaml:13:42: nodes.ssh.config.users[2].authorizedKeys[0]: an authorized key is one line like 'ssh-ed25519 AAAAC3Nza... comment' (a .pub file's content)",
      "lab.yaml:14:19: nodes.ssh.config.users[3].name: a user name holds only a-z, 0-9, '_' and '-', and starts with a letter or '_'",
    ]);
  });

  it("refuses a password-only user when password logins are off", async () => {
    expect(
      await problems(
        withConfig([
          "passwordAuthentication: false",
          "users:",
          "  - { name: bob, password: pw }",
          `  - { name: carol, password: pw, authorizedKeys: ["${ED25519}"] }`,
        ]),
      ),
    ).toEqual([
      "lab.yaml:11:11: nodes.ssh.config.users[0].authorizedKeys: user 'bob' has only a password, and passwordAuthentication is false: give them authorizedKeys",
    ]);
  });

  it("accepts keys with options and comments, of every type OpenSSH takes", async () => {
    const keys = [
      ED25519,
      ECDSA,
      `from="10.0.0.0/24",no-pty ${ED25519} a comment with spaces`,
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 rsa",
      "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29t",
    ];
    const lines = ["users:", "  - name: carol", "    authorizedKeys:"];
    expect(await problems(withConfig([...lines, ...keys.map((k) => `      - '${k}'`)]))).toEqual(
      [],
    );
  });
});

describe("sshd_config", () => {
  it("allows password logins by default, or not, and never root's", async () => {
    const on = (await configured(["users: [{ name: bob, password: pw }]"])).sshd;
    expect(on.get("PasswordAuthentication")).toEqual(["yes"]);
    expect(on.get("PermitRootLogin")).toEqual(["no"]);
    expect(on.get("KbdInteractiveAuthentication")).toEqual(["no"]);
    const off = (
      await configured([
        "passwordAuthentication: false",
        `users: [{ name: carol, authorizedKeys: ["${ED25519}"] }]`,
      ])
    ).sshd;
    expect(off.get("PasswordAuthentication")).toEqual(["no"]);
  });

  it("reads the topology's keys from root's folder, then the user's own", async () => {
    const { sshd } = await configured(["users: [{ name: bob, password: pw }]"]);
    expect(sshd.get("AuthorizedKeysFile")).toEqual([
      `${AUTHORIZED_KEYS_DIR}/%u .ssh/authorized_keys`,
    ]);
    expect(sshd.get("PubkeyAuthentication")).toEqual(["yes"]);
    expect(sshd.get("HostKey")).toEqual([
      "/etc/ssh/ssh_host_rsa_key",
      "/etc/ssh/ssh_host_ecdsa_key",
      "/etc/ssh/ssh_host_ed25519_key",
    ]);
  });
});

describe("the ssh node's files and start", () => {
  it("writes one authorized_keys file per user with keys, a key a line", async () => {
    const { contribution } = await configured([
      "users:",
      `  - { name: carol, authorizedKeys: ["${ED25519}", "${ECDSA}"] }`,
      "  - { name: bob, password: pw }",
    ]);
    expect(fileText(contribution, `${AUTHORIZED_KEYS_DIR}/carol`)).toBe(`${ED25519}\n${ECDSA}\n`);
    expect(fileText(contribution, `${AUTHORIZED_KEYS_DIR}/bob`)).toBeUndefined();
    expect(contribution.files?.map((f) => [f.path, f.mode])).toEqual([
      ["/etc/ssh/sshd_config", 0o644],
      [`${AUTHORIZED_KEYS_DIR}/carol`, 0o644],
    ]);
  });

  it("creates the users, makes missing host keys, starts sshd; ready on its banner", async () => {
    const { contribution } = await configured([
      "users:",
      `  - { name: carol, authorizedKeys: ["${ED25519}"] }`,
      '  - { name: bob, password: "p w $HOME" }',
    ]);
    expect(contribution.start).toEqual([
      "id -u 'carol' >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash --password '*' 'carol' && chown -R 'carol': '/home/carol'; }",
      "id -u 'bob' >/dev/null 2>&1 || { useradd --create-home --shell /bin/bash 'bob' && chown -R 'bob': '/home/bob'; }",
      "printf '%s\\n' 'bob:p w $HOME' | chpasswd",
      "ssh-keygen -A",
      "mkdir -p /run/sshd",
      "/usr/sbin/sshd",
    ]);
    expect(contribution.ready?.command).toContain("127.0.0.1 22");
    expect(contribution.ready?.command).toContain("'^SSH-2.0-'");
  });
});
