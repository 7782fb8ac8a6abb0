// One mail node as postfix and dovecot see it: what its config says, with TLS decided (the lab
// may have no CA), and the ports and sockets the two programs share.
import type { MailConfig } from "./schema.ts";

export const PORTS = {
  /** Mail from other servers, for this node's domains (what MX records lead to). */
  smtp: 25,
  /** Mail from this node's users, who log in first. */
  submission: 587,
  imap: 143,
  imaps: 993,
  pop3: 110,
  pop3s: 995,
} as const;

/** postfix's queue folder: the sockets dovecot makes for it live in its `private` folder. */
export const POSTFIX_QUEUE_DIR = "/var/spool/postfix";
/** dovecot's LMTP socket, where postfix delivers mail for this node's users. */
export const LMTP_SOCKET = "private/dovecot-lmtp";
/** dovecot's authentication socket, which postfix asks about logins on the submission port. */
export const AUTH_SOCKET = "private/auth";

/** Every user's home (and Maildir below it), owned by the image's `vmail` account. */
export const MAIL_HOME = "/var/mail/vhosts/%d/%n";

export interface MailServer {
  /** The domains the node receives mail for, with their mail hosts, in the order written. */
  domains: { name: string; host: string }[];
  /** The users' addresses, in the order written. */
  users: string[];
  tls: boolean;
}

export function mailServer(config: MailConfig, tls: boolean): MailServer {
  return {
    domains: Object.entries(config.domains).map(([name, host]) => ({ name, host })),
    users: Object.keys(config.users),
    tls,
  };
}

/** Each mail host once, in the order written: the certificate's names. */
export function mailHosts(config: MailConfig): string[] {
  return [...new Set(Object.values(config.domains))];
}

/** The name the node greets with and says HELO with: its first domain's mail host. */
export function primaryHost(server: MailServer): string {
  return server.domains[0]?.host ?? "localhost";
}
