// The one rule for DNS names in socketlab: labels of letters, digits and '-' (neither first nor
// last), 63 characters at most, joined by '.', 253 at most in all. A role narrows it to lowercase
// (names its servers compare without case) or widens it to '_' (zone files' service names).

export interface DnsNameOptions {
  /** Lowercase letters only. */
  lowercase?: boolean;
  /** '_' in labels too, as zone files have it (`_sip._tcp`). */
  underscore?: boolean;
}

/** The longest name DNS carries, in its text form without the final dot. */
export const MAX_DNS_NAME_LENGTH = 253;

/** A name as a regular expression's source, unanchored, to build larger patterns from. */
export function dnsNameSource(options: DnsNameOptions = {}): string {
  const chars = `${options.lowercase ? "a-z" : "A-Za-z"}0-9${options.underscore ? "_" : ""}-`;
  const label = `(?!-)[${chars}]{1,63}(?<!-)`;
  return `${label}(?:\\.${label})*`;
}

/** A whole name, length included. */
export function dnsNamePattern(options: DnsNameOptions = {}): RegExp {
  return new RegExp(`^(?=.{1,${MAX_DNS_NAME_LENGTH}}$)${dnsNameSource(options)}$`);
}
