// dovecot's configuration for a mail node, the whole of it in one file (Debian's conf.d is not
// read): IMAP and POP3 for the users, LMTP delivery for postfix, and postfix's login checks.
import { TLS_CERT_PATH, TLS_KEY_PATH } from "../tls-paths.ts";
import {
  AUTH_SOCKET,
  LMTP_SOCKET,
  MAIL_HOME,
  type MailServer,
  PORTS,
  POSTFIX_QUEUE_DIR,
} from "./server.ts";

export const DOVECOT_CONF_PATH = "/etc/dovecot/dovecot.conf";
/** address:{SHA512-CRYPT}hash lines, written at start by the image's socketlab-mail-users. */
export const USERS_PATH = "/etc/dovecot/users";
export const DOVECOT_LOG_PATH = "/var/log/dovecot.log";

export function dovecotConf(server: MailServer): string {
  // Port 0: no listener. Implicit TLS needs a certificate.
  const implicitTls = (port: number) => (server.tls ? port : 0);
  return `# Written by socketlab from the node's config (role mail).
protocols = imap pop3 lmtp
listen = *
log_path = ${DOVECOT_LOG_PATH}

${server.tls ? TLS_SETTINGS : NO_TLS_SETTINGS}
auth_mechanisms = plain login
# Users log in with their address, in any case.
auth_username_format = %Lu
passdb {
  driver = passwd-file
  args = ${USERS_PATH}
}
# Every user is the image's vmail account, with a Maildir in their own home.
userdb {
  driver = static
  args = uid=vmail gid=vmail home=${MAIL_HOME}
}
mail_location = maildir:~/Maildir

service imap-login {
  inet_listener imap {
    port = ${PORTS.imap}
  }
  inet_listener imaps {
    port = ${implicitTls(PORTS.imaps)}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = ${PORTS.pop3}
  }
  inet_listener pop3s {
    port = ${implicitTls(PORTS.pop3s)}
    ssl = yes
  }
}
# postfix's end of things: its processes run as postfix.
service lmtp {
  unix_listener ${POSTFIX_QUEUE_DIR}/${LMTP_SOCKET} {
    mode = 0600
    user = postfix
    group = postfix
  }
}
service auth {
  unix_listener ${POSTFIX_QUEUE_DIR}/${AUTH_SOCKET} {
    mode = 0660
    user = postfix
    group = postfix
  }
}
`;
}

const TLS_SETTINGS = `# TLS with the certificate from the lab CA: STARTTLS on the IMAP and POP3 ports, implicit TLS
# on the imaps and pop3s ports. No password is taken before TLS.
ssl = required
ssl_cert = <${TLS_CERT_PATH}
ssl_key = <${TLS_KEY_PATH}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
`;

const NO_TLS_SETTINGS = `# No TLS: the lab has no CA for this node. Passwords go in clear, as a sniffing lab may want.
ssl = no
disable_plaintext_auth = no
`;
