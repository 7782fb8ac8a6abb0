// The mail role's `config:` section: the domains a node receives mail for (each with the name its
// MX record points at), the users with their passwords, and TLS.
import { z } from "zod";
import { dnsNamePattern, dnsNameSource } from "../../net/dns-name.ts";
import { passwordSchema } from "../users.ts";

export const MAIL_ROLE = "mail";

// Lowercase only: postfix and dovecot compare names without case, and one spelling per name
// keeps the generated files, the mailbox folders and the handouts in agreement.
const NAME = dnsNameSource({ lowercase: true });
const DOMAIN_PATTERN = dnsNamePattern({ lowercase: true });
/** Dot-separated atoms: what an address's local part needs, and no more. */
const LOCAL_PART = "[a-z0-9_-]+(?:\\.[a-z0-9_-]+)*";
const ADDRESS_PATTERN = new RegExp(`^(?=[^@]{1,64}@)${LOCAL_PART}@${NAME}$`);

const NAME_RULE = "lowercase labels of a-z, 0-9 and '-', joined by '.'";

const domainName = z.string().regex(DOMAIN_PATTERN, `a mail domain is a DNS name: ${NAME_RULE}`);
const hostName = z
  .string()
  .regex(DOMAIN_PATTERN, `a mail host is a DNS name (its MX record's target): ${NAME_RULE}`);
const address = z
  .string()
  .regex(
    ADDRESS_PATTERN,
    "a user is an address like alice@example.com: a-z, 0-9, '_', '-' and '.' before the @, a domain after",
  );

const nonEmpty = (record: Record<string, string>) => Object.keys(record).length > 0;

export const mailConfig = z
  .strictObject({
    domains: z
      .record(domainName, hostName)
      .refine(
        nonEmpty,
        "give at least one domain and its mail host, like example.com: mail.example.com",
      )
      .describe(
        "Each domain the node receives mail for, and its mail host: the name MX records point at.",
      ),
    users: z
      .record(address, passwordSchema)
      .refine(nonEmpty, "give at least one user, like alice@example.com: password")
      .describe("address -> password; each address in one of the node's domains."),
    tls: z
      .boolean()
      .optional()
      .describe(
        "STARTTLS and implicit TLS with a certificate from the lab CA. By default on exactly when the node shares a network with the lab's CA; `true` makes a missing CA an error.",
      ),
  })
  .superRefine((config, context) => {
    for (const user of Object.keys(config.users)) {
      const domain = domainOf(user);
      if (!Object.hasOwn(config.domains, domain)) {
        context.addIssue({
          code: "custom",
          path: ["users", user],
          message: `'${domain}' is not among this node's domains (${Object.keys(config.domains).join(", ")})`,
        });
      }
    }
  });

export type MailConfig = z.infer<typeof mailConfig>;

export function domainOf(address: string): string {
  return address.slice(address.indexOf("@") + 1);
}
