// What a compose service becomes: a role, an image of socketlab's, or both, judged from how it
// runs, the image it names and what its build installs.
import type { ComposeService } from "./compose.ts";
import type { Dockerfile } from "./dockerfile.ts";

export interface NodeKind {
  role?: string;
  image?: string;
  /** In a few words, for the report. */
  what: string;
  /** What the instructor should look at, when the mapping is only a start. */
  check?: string;
}

/** The dns role's image: bind9, here with the set-up's own configuration instead of the role's. */
export const DNS_IMAGE = "socketlab/dns:latest";
/** What a service becomes, from how it runs, its image and what its build installs. */
export function chooseKind(
  service: ComposeService,
  dockerfile: Dockerfile | null,
  hostNetwork: boolean,
  forwards: boolean,
): NodeKind {
  if (hostNetwork)
    return {
      role: "attacker",
      what: "attacker on every lab network (scapy, tcpdump, tshark, gcc)",
    };
  const base = dockerfile?.from ?? service.image ?? "";
  const packages = new Set(dockerfile?.packages ?? []);
  const copiesInto = (folder: string) =>
    dockerfile?.copies.some((c) => c.dest.startsWith(folder)) ?? false;
  if (packages.has("bind9") || /seed-server:bind/.test(base) || copiesInto("/etc/bind/")) {
    return {
      image: DNS_IMAGE,
      what: "bind9 server (socketlab/dns) with the set-up's own named.conf and zones",
    };
  }
  if (
    ["apache2", "nginx", "php", "libapache2-mod-php"].some((p) => packages.has(p)) ||
    /seed-server:apache|elgg/.test(base)
  ) {
    return {
      image: "socketlab/web:latest",
      what: "web server (socketlab/web)",
      check:
        "SEED's web servers are Apache with PHP, socketlab/web is nginx with CGI and WSGI: the site's files came along, its server set-up is the web role's (docs/reference/roles.md: web)",
    };
  }
  if (packages.has("postfix") || /seed-server:mail/.test(base)) {
    return {
      image: "socketlab/mail:latest",
      what: "mail server (socketlab/mail)",
      check:
        "the mail role sets up postfix and dovecot from its config (docs/reference/roles.md: mail): give it the domains and users",
    };
  }
  if (forwards || /seed-router/.test(base))
    return { role: "router", what: "router between its networks (IP forwarding on)" };
  if (/seed-ubuntu:large|scapy/.test(base)) {
    return {
      image: "socketlab/attacker:latest",
      what: "host with SEED's tools (scapy, tcpdump, gcc: socketlab/attacker's image)",
    };
  }
  if (/seed-ubuntu/.test(base)) return { what: "host (socketlab/client)" };
  return {
    what: "host (socketlab/client)",
    check: `image ${base === "" ? "(none)" : base} is not used (nothing is pulled): socketlab/client stands in; check the tools the lab needs are there`,
  };
}
