// What the dns role's schema cannot see: references to the lab's nodes and networks, and zones
// bind would refuse to load (no NS at the apex, a name server inside the zone with no address,
// a CNAME beside other records), each reported at the value that causes it.
import type { NodeDef } from "../../topology/model.ts";
import type { ConfigProblem, TopologyView } from "../types.ts";
import { absoluteName, isInZone, zoneFqdn } from "./names.ts";
import { checkAddressRef, checkAllow, parseAddressRef } from "./refs.ts";
import { MAX_ROOT_SERVERS, ROOT_SERVERS_ZONE, rootServers } from "./root.ts";
import { type DnsConfig, RECORD_TYPES, type RecordSet, valuesOf } from "./schema.ts";

export function checkDns(
  config: DnsConfig,
  node: NodeDef,
  topology: TopologyView,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (path: (string | number)[], message: string) => problems.push({ path, message });

  if (!config.root && Object.keys(config.zones).length === 0 && config.recursion === undefined) {
    problem(
      [],
      "a dns node serves zones (zones), the lab's root (root: true) or resolves (recursion): give at least one",
    );
  }
  if (config.root) {
    const index = rootServers(topology.nodes).findIndex((s) => s.node === node.name);
    if (index >= MAX_ROOT_SERVERS) {
      problem(
        ["root"],
        `a lab has at most ${MAX_ROOT_SERVERS} root servers (a to m.${ROOT_SERVERS_ZONE})`,
      );
    }
  }
  for (const [zone, owners] of Object.entries(config.zones)) {
    const at = ["zones", zone];
    if (zone === "." && !config.root) {
      problem(at, "the root zone is served by the lab's root servers: set root: true");
    } else if (zone === ROOT_SERVERS_ZONE && config.root) {
      problem(
        at,
        `a root server's ${ROOT_SERVERS_ZONE} zone is generated (it names the lab's root servers): leave it out`,
      );
    } else {
      for (const { path, message } of checkZone(zone, owners, config.root, topology)) {
        problem([...at, ...path], message);
      }
    }
  }
  const recursion = config.recursion;
  if (recursion !== undefined) {
    recursion.allow.forEach((entry, i) => {
      const message = checkAllow(entry, topology);
      if (message !== null) problem(["recursion", "allow", i], message);
    });
    recursion.forwarders.forEach((server, i) => {
      const message = checkServer(server, topology);
      if (message !== null) problem(["recursion", "forwarders", i], message);
    });
    for (const [zone, servers] of Object.entries(recursion.forwardZones)) {
      const at = ["recursion", "forwardZones", zone];
      if (zone === ".") problem(at, "to forward every query, use forwarders");
      else if (zone in config.zones) problem(at, `zone '${zone}' is served by this node itself`);
      servers.forEach((server, i) => {
        const message = checkServer(server, topology);
        if (message !== null) problem([...at, i], message);
      });
    }
  }
  return problems;
}

function checkServer(server: string, topology: TopologyView): string | null {
  const ref = parseAddressRef(server);
  return ref === null ? null : checkAddressRef(ref, topology);
}

/** One zone's problems, at paths inside it; the root zone's NS records are generated. */
function checkZone(
  zone: string,
  owners: Record<string, RecordSet>,
  isRoot: boolean,
  topology: TopologyView,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const origin = zoneFqdn(zone);
  // Every name's record types, across the ways of writing it (`www`, `www.example.com.`).
  const typesAt = new Map<string, Set<string>>([[origin, new Set(["SOA"])]]);
  if (isRoot) typesAt.get(origin)?.add("NS");
  for (const [owner, set] of Object.entries(owners)) {
    const name = absoluteName(owner, zone);
    if (!isInZone(name, zone)) {
      problems.push({ path: [owner], message: `'${owner}' is not inside zone ${origin}` });
    }
    const types = typesAt.get(name) ?? new Set<string>();
    for (const type of RECORD_TYPES) if (set[type] !== undefined) types.add(type);
    typesAt.set(name, types);
  }

  for (const [owner, set] of Object.entries(owners)) {
    const name = absoluteName(owner, zone);
    if (set.CNAME !== undefined && (typesAt.get(name)?.size ?? 0) > 1) {
      problems.push({
        path: [owner, "CNAME"],
        message:
          name === origin
            ? "the zone's own name holds its SOA and NS records: it cannot be a CNAME"
            : `a CNAME cannot share its name with other records (${name})`,
      });
    }
    for (const { value, path } of valuesOf(set, "A")) {
      const ref = parseAddressRef(value);
      const message = ref === null ? null : checkAddressRef(ref, topology);
      if (message !== null) problems.push({ path: [owner, ...path], message });
    }
    for (const { value, path } of valuesOf(set, "NS")) {
      const server = absoluteName(value, zone);
      const types = typesAt.get(server);
      if (isInZone(server, zone) && !types?.has("A") && !types?.has("AAAA")) {
        problems.push({
          path: [owner, ...path],
          message: `name server ${server} lies inside zone ${origin}: give it an A record in the zone (glue)`,
        });
      }
    }
  }
  if (!typesAt.get(origin)?.has("NS")) {
    problems.push({
      path: [],
      message: `zone ${origin} needs NS records at '@' (its name servers)`,
    });
  }
  return problems;
}
