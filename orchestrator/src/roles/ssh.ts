// The ssh role: OpenSSH's sshd with users from the topology, who log in with a password (when
// password authentication is on) and/or the public keys the topology gives them.
import { z } from "zod";
import type { FileDef } from "../topology/model.ts";
import { textFile } from "./files.ts";
import { defineRole } from "./types.ts";
import { createUsersCommands, passwordSchema, refineUniqueNames, usernameSchema } from "./users.ts";

/** The topology's keys for user U are in this folder's file U, owned by root. */
export const AUTHORIZED_KEYS_DIR = "/etc/ssh/authorized_keys";

// The key types OpenSSH 9.2 accepts by default (DSA keys are refused since 7.0).
const KEY_TYPES = [
  "ssh-ed25519",
  "ssh-rsa",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "sk-ssh-ed25519@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
].map((type) => type.replaceAll(".", "\\."));
/** An authorized_keys line: options (optional), a key type, its base64 data, a comment. */
const AUTHORIZED_KEY_PATTERN = new RegExp(
  `^(?:[^\\n\\r]* )?(?:${KEY_TYPES.join("|")}) [A-Za-z0-9+/]+={0,2}(?: [^\\n\\r]*)?$`,
);

const userSchema = z
  .strictObject({
    name: usernameSchema,
    password: passwordSchema.optional(),
    authorizedKeys: z
      .array(
        z
          .string()
          .regex(
            AUTHORIZED_KEY_PATTERN,
            "an authorized key is one line like 'ssh-ed25519 AAAAC3Nza... comment' (a .pub file's content)",
          ),
      )
      .default([]),
  })
  .refine((user) => user.password !== undefined || user.authorizedKeys.length > 0, {
    message: "give the user a password or authorizedKeys: without either nobody logs in as them",
  });

const configSchema = z
  .strictObject({
    passwordAuthentication: z
      .boolean()
      .default(true)
      .describe("Whether sshd takes passwords; off: keys only."),
    users: z
      .array(userSchema)
      .default([])
      .superRefine(refineUniqueNames)
      .describe("Accounts with a password, authorized keys, or both."),
  })
  .superRefine((config, context) => {
    if (config.passwordAuthentication) return;
    config.users.forEach((user, index) => {
      if (user.authorizedKeys.length === 0) {
        context.addIssue({
          code: "custom",
          path: ["users", index, "authorizedKeys"],
          message: `user '${user.name}' has only a password, and passwordAuthentication is false: give them authorizedKeys`,
        });
      }
    });
  });

export type SshConfig = z.infer<typeof configSchema>;

export const ssh = defineRole<SshConfig>({
  name: "ssh",
  imageFolder: "ssh",
  summary: "an SSH server (OpenSSH): users with passwords and/or authorized keys",
  config: configSchema,
  configure: (config) => ({
    files: [textFile("/etc/ssh/sshd_config", sshdConfig(config)), ...authorizedKeysFiles(config)],
    start: [
      ...createUsersCommands(config.users),
      // The host keys the node lacks: made at its first start, kept across restarts.
      "ssh-keygen -A",
      // sshd's privilege separation folder, which Debian creates at boot.
      "mkdir -p /run/sshd",
      // Forks and returns, as a start command must.
      "/usr/sbin/sshd",
    ],
    ready: {
      command: "nc -N -w 2 127.0.0.1 22 </dev/null | grep -q '^SSH-2.0-'",
      timeoutSeconds: 30,
    },
  }),
});

export function sshdConfig(config: SshConfig): string {
  return `# Written by socketlab from the node's config (role ssh).
Port 22
# Made by ssh-keygen -A at the node's first start: every node has its own.
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key

PermitRootLogin no
PubkeyAuthentication yes
# The topology's keys, owned by root; a user may add keys of their own in ~/.ssh.
AuthorizedKeysFile ${AUTHORIZED_KEYS_DIR}/%u .ssh/authorized_keys
PasswordAuthentication ${config.passwordAuthentication ? "yes" : "no"}
KbdInteractiveAuthentication no
UsePAM yes

X11Forwarding no
PrintMotd no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
`;
}

function authorizedKeysFiles(config: SshConfig): FileDef[] {
  return config.users
    .filter((user) => user.authorizedKeys.length > 0)
    .map((user) =>
      textFile(`${AUTHORIZED_KEYS_DIR}/${user.name}`, `${user.authorizedKeys.join("\n")}\n`),
    );
}
