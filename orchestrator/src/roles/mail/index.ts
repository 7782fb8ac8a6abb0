// The `mail` role: postfix and dovecot (images/mail) serving the domains and users of the node's
// config. SMTP on 25 for mail from other servers, submission on 587 for the users (login
// required), IMAP on 143 and POP3 on 110 (STARTTLS), imaps on 993 and pop3s on 995 (implicit
// TLS), with a certificate from the lab CA; mail for other domains goes where their MX records
// in the lab's DNS say. Users are hashed in the node at start; no key leaves it.
import type { NodeDef } from "../../topology/model.ts";
import { labCertificate, unreachableCa } from "../ca.ts";
import { textFile } from "../files.ts";
import { shellQuote } from "../shell-quote.ts";
import { type ConfigProblem, defineRole, type TopologyView } from "../types.ts";
import { DOVECOT_CONF_PATH, dovecotConf } from "./dovecot.ts";
import {
  MAILBOXES_PATH,
  MAIN_CF_PATH,
  MASTER_CF_PATH,
  mailboxesFile,
  mainCf,
  masterCf,
} from "./postfix.ts";
import { MAIL_ROLE, type MailConfig, mailConfig } from "./schema.ts";
import { mailHosts, mailServer, PORTS } from "./server.ts";

export const mail = defineRole<MailConfig>({
  name: MAIL_ROLE,
  imageFolder: "mail",
  summary: "postfix and dovecot: SMTP, submission, IMAP and POP3 with TLS from the lab CA",
  config: mailConfig,
  check(config, node, topology) {
    const problems: ConfigProblem[] = [];
    const noCa = config.tls === true ? unreachableCa(node, topology) : undefined;
    if (noCa !== undefined) problems.push({ path: ["tls"], message: `tls ${noCa}` });
    for (const domain of Object.keys(config.domains)) {
      const other = earlierServerOf(domain, node, topology);
      if (other !== undefined) {
        problems.push({
          path: ["domains", domain],
          message: `node '${other}' already receives mail for ${domain}: each domain has one mail node`,
        });
      }
    }
    return problems;
  },
  configure(config, node, instance) {
    // With tls unset, TLS is on when the node can get a certificate; with tls: true the check
    // above made sure it can.
    const certificate =
      config.tls === false ? undefined : labCertificate(node, instance, mailHosts(config));
    const server = mailServer(config, certificate !== undefined);
    return {
      files: [
        ...(certificate?.files ?? []),
        textFile(MAIN_CF_PATH, mainCf(server)),
        textFile(MASTER_CF_PATH, masterCf(server)),
        textFile(MAILBOXES_PATH, mailboxesFile(server)),
        textFile(DOVECOT_CONF_PATH, dovecotConf(server)),
      ],
      start: [...(certificate?.start ?? []), usersCommand(config), "dovecot", "postfix start"],
      ready: { command: READY_COMMAND, timeoutSeconds: 30 },
    };
  },
});

/** The image's script that writes dovecot's users, their passwords hashed (sh words, quoted). */
export function usersCommand(config: MailConfig): string {
  const words = Object.entries(config.users).flat();
  return ["socketlab-mail-users", ...words.map(shellQuote)].join(" ");
}

/**
 * postfix greets on 25 and dovecot on 143: both are up. Each greeting is read before the client
 * says goodbye, as a real client would: postfix logs a QUIT sent before its greeting as improper
 * pipelining. bash, for its /dev/tcp.
 */
const READY_COMMAND = `bash -c ${shellQuote(
  [greets(PORTS.smtp, "220 ", "QUIT"), greets(PORTS.imap, "* OK", "a LOGOUT")].join(" && "),
)}`;

/** A bash test: a server on `port` greets with a line starting with `greeting`. */
function greets(port: number, greeting: string, goodbye: string): string {
  return `{ exec 3<>/dev/tcp/127.0.0.1/${port} && read -r -t 2 line <&3 && [[ $line == "${greeting}"* ]] && printf '${goodbye}\\r\\n' >&3; }`;
}

/** The mail node before `node` in the topology that receives mail for `domain`, if any. */
function earlierServerOf(
  domain: string,
  node: NodeDef,
  topology: TopologyView,
): string | undefined {
  const earlier = topology.nodes.slice(
    0,
    topology.nodes.findIndex((n) => n.name === node.name),
  );
  return earlier.find(
    (n) =>
      n.role === MAIL_ROLE &&
      n.config !== null &&
      Object.hasOwn((n.config as MailConfig).domains, domain),
  )?.name;
}
