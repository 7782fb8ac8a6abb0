// postfix's configuration for a mail node: main.cf, master.cf and the table of mailboxes. Mail
// for the node's domains goes to dovecot over LMTP; mail for any other domain goes to the server
// its MX record names, found through the node's resolver (the lab's DNS): no relay host, and no
// Internet to reach.
import { TLS_CERT_PATH, TLS_KEY_PATH } from "../tls-paths.ts";
import {
  AUTH_SOCKET,
  LMTP_SOCKET,
  type MailServer,
  POSTFIX_QUEUE_DIR,
  primaryHost,
} from "./server.ts";

export const MAIN_CF_PATH = "/etc/postfix/main.cf";
export const MASTER_CF_PATH = "/etc/postfix/master.cf";
/** The users' addresses, each with `OK`: postfix refuses mail for any other at the SMTP stage. */
export const MAILBOXES_PATH = "/etc/postfix/virtual-mailboxes";
/** postfix's own log (postlogd): no syslog daemon runs in a node. */
export const MAIL_LOG_PATH = "/var/log/mail.log";

export function mainCf(server: MailServer): string {
  return `# Written by socketlab from the node's config (role mail).
compatibility_level = 3.6
myhostname = ${primaryHost(server)}
# Labs are IPv4 only: no AAAA lookups, no IPv6 sockets.
inet_interfaces = all
inet_protocols = ipv4
queue_directory = ${POSTFIX_QUEUE_DIR}
maillog_file = ${MAIL_LOG_PATH}
biff = no

# The node's domains are virtual: their users are dovecot's, not system accounts.
mydestination =
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = ${server.domains.map((d) => d.name).join(" ")}
# texthash: read as it is, no postmap step.
virtual_mailbox_maps = texthash:${MAILBOXES_PATH}
virtual_transport = lmtp:unix:${LMTP_SOCKET}

# Mail for other domains: to the server their MX record names, looked up in the lab's DNS.
relayhost =
# Only the node itself may send without logging in; everyone else reaches its users only, or
# logs in on the submission port.
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination

# Logins (on the submission port) are checked by dovecot.
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${AUTH_SOCKET}
smtpd_sasl_auth_enable = no
${server.tls ? TLS_SETTINGS : NO_TLS_SETTINGS}
# A lab's mail should not wait long after a fix (a DNS record, a server started): retry within
# a minute rather than postfix's default of up to 67.
queue_run_delay = 10s
minimal_backoff_time = 10s
maximal_backoff_time = 60s
`;
}

const TLS_SETTINGS = `
# TLS with the certificate from the lab CA: offered on port 25 (STARTTLS), required on the
# submission port, and before any login.
smtpd_tls_cert_file = ${TLS_CERT_PATH}
smtpd_tls_key_file = ${TLS_KEY_PATH}
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_tls_loglevel = 1
# Received: headers say which hops used TLS.
smtpd_tls_received_header = yes
# To other servers: STARTTLS when they offer it; the log says whether their certificate was
# trusted (the lab CA is in the system store).
smtp_tls_security_level = may
smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt
smtp_tls_loglevel = 1
`;

const NO_TLS_SETTINGS = `
# No TLS: the lab has no CA for this node. Logins go in clear, as a sniffing lab may want.
smtpd_tls_security_level = none
smtp_tls_security_level = none
smtpd_tls_auth_only = no
`;

/**
 * Debian's services with chroot off everywhere: chrooted, postfix would need copies of
 * resolv.conf and hosts in its queue folder, which Debian's init script makes and no init runs
 * here. smtp (25) and submission (587) are the ports of /etc/services; submission takes mail
 * from users who logged in, and from nobody else.
 */
export function masterCf(server: MailServer): string {
  const submission = [
    "-o syslog_name=postfix/submission",
    ...(server.tls ? ["-o smtpd_tls_security_level=encrypt"] : []),
    "-o smtpd_sasl_auth_enable=yes",
    // Not permit_mynetworks: on this port even the node itself logs in. Mail for other domains
    // without a login is refused as a relay ("Relay access denied"); for this node's, by the next.
    "-o smtpd_relay_restrictions=permit_sasl_authenticated,reject_unauth_destination",
    "-o smtpd_recipient_restrictions=permit_sasl_authenticated,reject",
  ];
  return `# Written by socketlab from the node's config (role mail).
# service   type  private unpriv  chroot  wakeup  maxproc command + args
smtp        inet  n       -       n       -       -       smtpd
submission  inet  n       -       n       -       -       smtpd
${submission.map((option) => `  ${option}`).join("\n")}
${SERVICES}`;
}

const SERVICES = `pickup      unix  n       -       n       60      1       pickup
cleanup     unix  n       -       n       -       0       cleanup
qmgr        unix  n       -       n       300     1       qmgr
tlsmgr      unix  -       -       n       1000?   1       tlsmgr
rewrite     unix  -       -       n       -       -       trivial-rewrite
bounce      unix  -       -       n       -       0       bounce
defer       unix  -       -       n       -       0       bounce
trace       unix  -       -       n       -       0       bounce
verify      unix  -       -       n       -       1       verify
flush       unix  n       -       n       1000?   0       flush
proxymap    unix  -       -       n       -       -       proxymap
proxywrite  unix  -       -       n       -       1       proxymap
smtp        unix  -       -       n       -       -       smtp
relay       unix  -       -       n       -       -       smtp
showq       unix  n       -       n       -       -       showq
error       unix  -       -       n       -       -       error
retry       unix  -       -       n       -       -       error
discard     unix  -       -       n       -       -       discard
local       unix  -       n       n       -       -       local
virtual     unix  -       n       n       -       -       virtual
lmtp        unix  -       -       n       -       -       lmtp
anvil       unix  -       -       n       -       1       anvil
scache      unix  -       -       n       -       1       scache
postlog     unix-dgram n  -       n       -       1       postlogd
`;

export function mailboxesFile(server: MailServer): string {
  return server.users.map((address) => `${address} OK\n`).join("");
}
