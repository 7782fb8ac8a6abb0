// The `dns` role: BIND 9 (images/dns) serving the zones its config declares, optionally one of
// the lab's root servers, and optionally a recursive resolver whose root hints are the lab's own
// root servers, so that resolution works end to end with no Internet. Its files are a pure
// function of the config and the instance's addresses; rndc's key is made by the node at start.
import type { NodeDef } from "../../topology/model.ts";
import { textFile } from "../files.ts";
import { type Contribution, defineRole, type InstanceView } from "../types.ts";
import { checkDns } from "./check.ts";
import {
  HINTS_PATH,
  NAMED_CONF_PATH,
  namedConf,
  type ResolverSettings,
  zoneFilePath,
} from "./named-conf.ts";
import { zoneFqdn } from "./names.ts";
import { parseAddressRef, resolveAddressRef, resolveAllow } from "./refs.ts";
import { type PlacedRootServer, rootHints, rootServers, rootZones } from "./root.ts";
import {
  DNS_ROLE,
  type DnsConfig,
  dnsConfig,
  RECORD_TYPES,
  type RecordSet,
  type RecordType,
  type RecursionConfig,
  valuesOf,
} from "./schema.ts";
import { type Zone, type ZoneRecord, zoneFile } from "./zone.ts";

export const dns = defineRole<DnsConfig>({
  name: DNS_ROLE,
  imageFolder: "dns",
  summary: "bind9: authoritative zones, the lab's root servers, a recursive resolver",
  config: dnsConfig,
  check: checkDns,
  configure(config, node, instance): Contribution {
    const roots = rootServers(instance.nodes).map(
      (s): PlacedRootServer => ({ ...s, address: addressOf(s.node, node, instance) }),
    );
    const zones = servedZones(config, node, instance, roots);
    const labRootHints = config.recursion !== undefined && !config.root && roots.length > 0;
    const conf = namedConf({
      node: node.name,
      zones: zones.map((z) => z.name),
      recursion:
        config.recursion === undefined
          ? null
          : resolverSettings(config.recursion, labRootHints, node, instance),
      cookies: config.cookies,
      queryLog: config.queryLog,
    });
    return {
      files: [
        textFile(NAMED_CONF_PATH, conf),
        ...zones.map((z) => textFile(zoneFilePath(z.name), zoneFile(z, config.ttl, node.name))),
        ...(labRootHints ? [textFile(HINTS_PATH, rootHints(roots, node.name))] : []),
      ],
      start: [
        // rndc's key, this node's own (the image has none): `rndc dumpdb -cache`, `rndc flush`.
        "rndc-confgen -a -u bind",
        // Stops the start on a zone bind would not load, with bind's own words in the node's log.
        `named-checkconf -z ${NAMED_CONF_PATH}`,
        // IPv4 only, as lab networks are: no AAAA look-ups for name servers either, which with a
        // fixed query port would be queries colliding with others on that port (see README).
        "named -4 -u bind",
      ],
      ready: { command: readyCommand(zones, labRootHints), timeoutSeconds: 30 },
      // Its ready check makes it prime its cache from the lab's root servers: they must answer
      // by then, or named counts them as failing and answers SERVFAIL for a while.
      after: labRootHints ? roots.map((s) => s.node) : [],
    };
  },
});

/** The zones in the config, with a root server's generated ones (and its root zone records). */
function servedZones(
  config: DnsConfig,
  self: NodeDef,
  instance: InstanceView,
  roots: readonly PlacedRootServer[],
): Zone[] {
  const written = Object.entries(config.zones).map(
    ([name, owners]): Zone => ({ name, records: zoneRecords(owners, self, instance) }),
  );
  if (!config.root) return written;
  const rootRecords = written.find((z) => z.name === ".")?.records ?? [];
  return [...rootZones(roots, rootRecords), ...written.filter((z) => z.name !== ".")];
}

function zoneRecords(
  owners: Record<string, RecordSet>,
  self: NodeDef,
  instance: InstanceView,
): ZoneRecord[] {
  return Object.entries(owners).flatMap(([owner, set]) =>
    RECORD_TYPES.flatMap((type) =>
      valuesOf(set, type).map(({ value }) => ({
        owner,
        type,
        value: recordData(type, value, self, instance),
      })),
    ),
  );
}

/** An address record's node or host part as an address; an MX with one space; others as written. */
function recordData(
  type: RecordType,
  value: string,
  self: NodeDef,
  instance: InstanceView,
): string {
  if (type === "A") return resolve(value, self, instance);
  if (type === "MX") return value.replace(/ +/, " ");
  return value;
}

function resolverSettings(
  recursion: RecursionConfig,
  labRootHints: boolean,
  self: NodeDef,
  instance: InstanceView,
): ResolverSettings {
  const servers = (written: string[]) => written.map((s) => resolve(s, self, instance));
  return {
    allow: [...new Set(recursion.allow.flatMap((entry) => resolveAllow(entry, instance)))],
    dnssecValidation: recursion.dnssecValidation,
    querySourcePort: recursion.querySourcePort,
    qnameMinimization: recursion.qnameMinimization,
    forwarders: servers(recursion.forwarders),
    forward: recursion.forward,
    forwardZones: Object.entries(recursion.forwardZones).map(([zone, written]) => ({
      zone,
      servers: servers(written),
    })),
    maxCacheTtl: recursion.maxCacheTtl,
    maxNcacheTtl: recursion.maxNcacheTtl,
    labRootHints,
  };
}

/** An address written in the config (checked by the loader), as `self` reaches it. */
function resolve(written: string, self: NodeDef, instance: InstanceView): string {
  const ref = parseAddressRef(written);
  if (ref === null) throw new Error(`node ${self.name}: '${written}' is not an address`);
  return resolveAddressRef(ref, self, instance);
}

function addressOf(node: string, self: NodeDef, instance: InstanceView): string {
  return resolveAddressRef({ kind: "node", node, network: null }, self, instance);
}

/**
 * named answers its control channel, every zone it serves has loaded (NOERROR for its SOA), and a
 * resolver with the lab's root hints knows the root's servers (priming done): its first lookup
 * then starts from the root rather than racing the priming queries.
 */
function readyCommand(zones: readonly Zone[], labRootHints: boolean): string {
  const answers = (question: string, recurse: boolean) =>
    `dig ${recurse ? "" : "+norecurse "}+time=1 +tries=1 @127.0.0.1 ${question} | grep -q 'status: NOERROR'`;
  return [
    "rndc status >/dev/null",
    ...zones.map((z) => answers(`${zoneFqdn(z.name)} SOA`, false)),
    ...(labRootHints ? [answers(". NS", true)] : []),
  ].join(" && ");
}
