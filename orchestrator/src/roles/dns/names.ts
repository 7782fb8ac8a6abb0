// Domain names as the dns role's config writes them, with zone-file meaning: `@` is the zone
// itself, a name ending in `.` is absolute, any other is relative to the zone.
import { dnsNameSource } from "../../net/dns-name.ts";

const NAME = dnsNameSource({ lowercase: true, underscore: true });

/** A zone: `.` (the root) or a name without its final dot (`example.com`). */
export const ZONE_PATTERN = new RegExp(`^(?:\\.|${NAME})$`);
/** An owner of records: `@`, `www`, `*.dev`, `*` or an absolute `www.example.com.`. */
export const OWNER_PATTERN = new RegExp(`^(?:@|(?:\\*\\.)?${NAME}\\.?|\\*)$`);
/** A name records point at (NS, CNAME, MX, PTR): `@`, `mail`, `mail.example.net.`. */
export const TARGET_PATTERN = new RegExp(`^(?:@|${NAME}\\.?)$`);

/** `example.com.`; the root is `.`. */
export function zoneFqdn(zone: string): string {
  return zone === "." ? "." : `${zone}.`;
}

/** A name as written in `zone`, made absolute: `www` in example.com is `www.example.com.`. */
export function absoluteName(name: string, zone: string): string {
  if (name === "@") return zoneFqdn(zone);
  if (name.endsWith(".")) return name;
  return zone === "." ? `${name}.` : `${name}.${zone}.`;
}

/** Whether an absolute name is the zone's own or lies below it. */
export function isInZone(fqdn: string, zone: string): boolean {
  const origin = zoneFqdn(zone);
  return origin === "." || fqdn === origin || fqdn.endsWith(`.${origin}`);
}
