// The ftp role: vsftpd with read-only anonymous access to /srv/ftp (its files come from the
// node's `files`) and local users from the topology, each chrooted in a home they can write;
// with `tls: true`, explicit FTPS (AUTH TLS) too, with a certificate from the lab CA.
import { z } from "zod";
import { labCertificate, unreachableCa } from "./ca.ts";
import { textFile } from "./files.ts";
import { TLS_CERT_PATH, TLS_KEY_PATH } from "./tls-paths.ts";
import { defineRole } from "./types.ts";
import { createUsersCommands, passwordSchema, refineUniqueNames, usernameSchema } from "./users.ts";

/** Passive-mode data connections use these ports: a fixed range, documented for the handouts. */
export const PASSIVE_PORTS = { min: 30000, max: 30009 } as const;

/** Where anonymous users land: the home of Debian's `ftp` account. */
export const ANONYMOUS_ROOT = "/srv/ftp";

const configSchema = z
  .strictObject({
    anonymous: z.boolean().default(false).describe("Anonymous logins: read-only, from /srv/ftp."),
    tls: z
      .boolean()
      .default(false)
      .describe(
        "Explicit FTPS, offered and not required: a lab can compare plain and TLS sessions.",
      ),
    users: z
      .array(z.strictObject({ name: usernameSchema, password: passwordSchema }))
      .default([])
      .superRefine(refineUniqueNames)
      .describe(
        "Local accounts (name, password) that log in to their home folders, read and write.",
      ),
  })
  .refine((config) => config.anonymous || config.users.length > 0, {
    message: "nobody could log in: give users or set anonymous: true",
  });

export type FtpConfig = z.infer<typeof configSchema>;

export const ftp = defineRole<FtpConfig>({
  name: "ftp",
  imageFolder: "ftp",
  summary: "an FTP server (vsftpd): anonymous read-only access, local users, FTPS from the lab CA",
  config: configSchema,
  check(config, node, topology) {
    const noCa = config.tls ? unreachableCa(node, topology) : undefined;
    return noCa === undefined ? [] : [{ path: ["tls"], message: `tls ${noCa}` }];
  },
  configure(config, node, instance) {
    // The check above made sure a CA is reachable when tls is on.
    const certificate = config.tls ? labCertificate(node, instance, []) : undefined;
    return {
      files: [...(certificate?.files ?? []), textFile("/etc/vsftpd.conf", vsftpdConf(config))],
      start: [
        ...(certificate?.start ?? []),
        ...createUsersCommands(config.users),
        // vsftpd's secure_chroot_dir: Debian creates it at boot, which a container does not do.
        "mkdir -p /var/run/vsftpd/empty",
        "vsftpd /etc/vsftpd.conf",
      ],
      ready: {
        command: "printf 'QUIT\\r\\n' | nc -N -w 2 127.0.0.1 21 | grep -q '^220 '",
        timeoutSeconds: 30,
      },
    };
  },
});

export function vsftpdConf(config: FtpConfig): string {
  const yesNo = (on: boolean) => (on ? "YES" : "NO");
  return `# Written by socketlab from the node's config (role ftp).
listen=YES
listen_ipv6=NO
# Forks and returns, as a start command must.
background=YES

# Anonymous users (anonymous or ftp, any password) may read ${ANONYMOUS_ROOT}, never write.
anonymous_enable=${yesNo(config.anonymous)}
anon_root=${ANONYMOUS_ROOT}
no_anon_password=YES
anon_upload_enable=NO
anon_mkdir_write_enable=NO
anon_other_write_enable=NO

# Local users log in with their passwords, each chrooted in a home they can write.
local_enable=${yesNo(config.users.length > 0)}
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES

# Passive mode. No pasv_address: vsftpd then announces the address the client's control
# connection reached, which is this node's address on the client's network, whichever it is.
pasv_enable=YES
pasv_min_port=${PASSIVE_PORTS.min}
pasv_max_port=${PASSIVE_PORTS.max}
# Active mode too: data connections from port 20 to the port the client names.
connect_from_port_20=YES

# An empty folder vsftpd's unprivileged processes are chrooted in (made at start).
secure_chroot_dir=/var/run/vsftpd/empty
pam_service_name=vsftpd

xferlog_enable=YES
xferlog_file=/var/log/vsftpd.log
${config.tls ? TLS_SETTINGS : ""}`;
}

const TLS_SETTINGS = `
# Explicit FTPS (AUTH TLS), for anonymous and local users alike, never required.
ssl_enable=YES
rsa_cert_file=${TLS_CERT_PATH}
rsa_private_key_file=${TLS_KEY_PATH}
allow_anon_ssl=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
# Clients that do not resume the control connection's TLS session on data connections
# (Python's ftplib, say) would be refused their data connections.
require_ssl_reuse=NO
`;
