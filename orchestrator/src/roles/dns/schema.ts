// The dns role's `config:` section: the zones a node serves, whether it is one of the lab's root
// servers, and whether (and how) it resolves recursively for the lab's other nodes.
import { z } from "zod";
import { MAX_DNS_NAME_LENGTH } from "../../net/dns-name.ts";
import { OWNER_PATTERN, TARGET_PATTERN, ZONE_PATTERN } from "./names.ts";
import { ADDRESS_REF_HELP, ALLOW_HELP, isAllowEntry, parseAddressRef } from "./refs.ts";

export const DNS_ROLE = "dns";

const NAME_RULE = "lowercase labels of a-z, 0-9, '-' and '_', joined by '.'";

const zoneName = z
  .string()
  .regex(ZONE_PATTERN, `a zone is '.' (the root) or a name without its final dot: ${NAME_RULE}`)
  .max(MAX_DNS_NAME_LENGTH);
const owner = z
  .string()
  .regex(
    OWNER_PATTERN,
    `an owner is '@' (the zone), a relative name, or an absolute one ending in '.': ${NAME_RULE}`,
  )
  .max(MAX_DNS_NAME_LENGTH + 1);
const target = z
  .string()
  .regex(
    TARGET_PATTERN,
    `a name is '@', a relative name, or an absolute one ending in '.': ${NAME_RULE}`,
  )
  .max(MAX_DNS_NAME_LENGTH + 1);
/**
 * An address as `parseAddressRef` reads it. YAML reads an unquoted `.80` as the number 0.8 (its
 * text is lost): a number is refused with a message saying so, rather than as the wrong type.
 * The refinements make sure the value is text, hence the type.
 */
const addressRef = z
  .union([z.string(), z.number()])
  .refine(
    (value) => typeof value === "string",
    "YAML reads an unquoted .80 as a number: write a host part with its network, .80@lan",
  )
  .refine((value) => typeof value === "string" && parseAddressRef(value) !== null, {
    message: ADDRESS_REF_HELP,
    when: (payload) => payload.issues.length === 0,
  }) as unknown as z.ZodType<string>;
const MX_PATTERN = /^([0-9]{1,5}) +(\S+)$/;
const mx = z.string().refine((text) => {
  const [, preference, exchange] = MX_PATTERN.exec(text) ?? [];
  return Number(preference) <= 65535 && TARGET_PATTERN.test(exchange ?? "");
}, "an MX record is a preference and a name: '10 mail' or '10 mail.example.com.'");

/** One value, or a list of them (each a record). */
const oneOrMore = <T extends z.ZodType>(value: T) => z.union([value, z.array(value).min(1)]);

/** The records of one owner name, by type; in this order in the zone file. */
export const recordSet = z
  .strictObject({
    NS: oneOrMore(target).optional(),
    A: oneOrMore(addressRef).optional(),
    AAAA: oneOrMore(z.ipv6("an AAAA record is an IPv6 address")).optional(),
    CNAME: target.optional(),
    MX: oneOrMore(mx).optional(),
    TXT: oneOrMore(z.string().max(4000)).optional(),
    PTR: oneOrMore(target).optional(),
  })
  .refine((set) => Object.keys(set).length > 0, {
    message: "give at least one record: NS, A, AAAA, CNAME, MX, TXT or PTR",
    // An owner whose only field is misspelt has its unknown field reported, not this too.
    when: (payload) => payload.issues.length === 0,
  });

export type RecordSet = z.infer<typeof recordSet>;
export type RecordType = keyof RecordSet;
export const RECORD_TYPES = Object.keys(recordSet.shape) as RecordType[];

/** A server a resolver forwards to: written like an address record's value. */
const server = addressRef;

const recursion = z.strictObject({
  allow: z
    .array(z.string().refine(isAllowEntry, ALLOW_HELP))
    .min(1)
    .default(["any"])
    .describe("Who may ask for recursion (and for what is cached); the node itself always may."),
  /**
   * Off by default: the lab's root is not the Internet's, and its zones are unsigned, so
   * validating against the real root's key (bind's built-in trust anchor) fails every lookup.
   */
  dnssecValidation: z.boolean().default(false),
  querySourcePort: z
    .union([
      z
        .number()
        .int()
        .min(1024, "a query port is 1024 to 65535: ports below need root, and 53 is the server's")
        .max(65535, "a query port is 1024 to 65535"),
      z.null(),
    ])
    .default(null)
    .describe(
      "A fixed UDP source port for every query the resolver sends (bind's default: random).",
    ),
  qnameMinimization: z
    .enum(["strict", "relaxed", "disabled", "off"], "write strict, relaxed, disabled or off")
    .default("relaxed")
    .describe("bind's `qname-minimization`; `disabled` is the way to turn it off (see README)."),
  forwarders: z
    .array(server)
    .default([])
    .describe(
      "Servers every query is forwarded to, instead of (`only`) or before (`first`) iterating.",
    ),
  forward: z.enum(["only", "first"], "write only or first").default("only"),
  forwardZones: z
    .record(zoneName, z.array(server).min(1))
    .default({})
    .describe("Zones whose queries go to the given servers only."),
  maxCacheTtl: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe("Upper bounds on how long answers (and negative answers) stay cached, in seconds."),
  maxNcacheTtl: z.number().int().min(0).optional(),
});

export const dnsConfig = z.strictObject({
  root: z
    .boolean()
    .default(false)
    .describe(
      "One of the lab's root servers: serves `.` and root-servers.net; resolvers' hints name it.",
    ),
  ttl: z
    .number()
    .int()
    .min(0)
    .max(2147483647)
    .default(300)
    .describe("The zones' default TTL ($TTL) and negative-caching TTL (SOA minimum), in seconds."),
  zones: z
    .record(zoneName, z.record(owner, recordSet))
    .default({})
    .describe(
      "Zones the node is authoritative for: zone -> owner name -> records by type (A, NS, MX, ...).",
    ),
  recursion: recursion.optional().describe("Absent: the node answers for its zones only."),
  cookies: z
    .strictObject({ send: z.boolean().default(true), answer: z.boolean().default(true) })
    .prefault({})
    .describe("DNS COOKIE (RFC 7873): sent with queries, answered in replies."),
  queryLog: z
    .boolean()
    .default(false)
    .describe("Log every query received to /var/log/named/named.log."),
});

export type DnsConfig = z.infer<typeof dnsConfig>;
export type RecursionConfig = NonNullable<DnsConfig["recursion"]>;

/** Each value of one type at an owner, with its path inside the owner's record set. */
export function valuesOf(
  set: RecordSet,
  type: RecordType,
): { value: string; path: (string | number)[] }[] {
  const written = set[type];
  if (written === undefined) return [];
  if (typeof written === "string") return [{ value: written, path: [type] }];
  return written.map((value, i) => ({ value, path: [type, i] }));
}
