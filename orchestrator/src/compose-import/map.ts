// A SEED Labs compose file as a socketlab topology document: a pure function of the compose file
// and what its folder holds (gather.ts). Every field is mapped, changed with a note, or dropped
// with a note; errors are reported where they were written.
import { formatAddress, formatCidr } from "../net/ipv4.ts";
import { type AddressRequest, assignAddresses, checkSubnets } from "../topology/addresses.ts";
import type { Path } from "../topology/diagnostics.ts";
import { isPlainFilePath } from "../topology/files.ts";
import { isNamespacedSysctl, normaliseCapability, SYSCTL_NAME } from "../topology/linux.ts";
import type { Cidr } from "../topology/model.ts";
import { type CommandContext, NAMED_START, type Route, translate } from "./commands.ts";
import type { ComposeFile, ComposeService } from "./compose.ts";
import type { Dockerfile } from "./dockerfile.ts";
import { at, type Findings, type Where } from "./findings.ts";
import type { Gathered, PlacedFile, ServiceInputs } from "./gather.ts";
import { topologyName } from "./names.ts";

export interface MappedNode {
  service: string;
  node: string;
  /** What the node is, in a few words. */
  what: string;
  /** `lan 10.9.0.5`, one per network. */
  addresses: string[];
}

export interface MappedLab {
  /** The topology document, ready to be written as YAML. */
  topology: Record<string, unknown>;
  /** Files of the set-up's folder the topology names as `source`. */
  sources: string[];
  nodes: MappedNode[];
}

/** The capabilities SEED's `privileged` and `cap_add: ALL` are there for: sniffing and forging. */
export const LAB_CAPABILITIES = ["NET_ADMIN", "NET_RAW"];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface NodeKind {
  role?: string;
  image?: string;
  what: string;
  check?: string;
}

interface Placement {
  service: string;
  node: string;
  host: boolean;
  /** Topology network -> handout address. */
  addresses: Map<string, string>;
}

export function mapCompose(
  compose: ComposeFile,
  gathered: Gathered,
  options: { name: string; file: string },
  findings: Findings,
): MappedLab {
  const services = Object.entries(compose.services);
  const hostServices = services.filter(([, s]) => s.network_mode === "host").map(([n]) => n);
  const networks = mapNetworks(compose, hostServices.length > 0, findings);
  const nodeNames = new Map<string, string>();
  const takenNodes = new Set<string>();
  for (const [service] of services) {
    const node = topologyName(service, takenNodes);
    nodeNames.set(service, node);
    if (node !== service)
      findings.note("mapped", at("services", service), `service ${service} is node ${node}`);
  }
  const placements = placeNodes(compose, nodeNames, networks, findings);
  const owners = new Map<string, string>();
  for (const placement of placements.values()) {
    for (const address of placement.addresses.values()) owners.set(address, placement.node);
  }

  const nodes: Record<string, unknown> = {};
  const mapped: MappedNode[] = [];
  const sources = new Set<string>();
  for (const [service, definition] of services) {
    const placement = placements.get(service);
    const node = nodeNames.get(service) as string;
    const input = gathered.services.get(service) ?? { dockerfile: null, files: [] };
    const built = mapService(service, definition, input, {
      node,
      placement,
      nodeNames,
      owners,
      subnets: networks.subnets,
      contents: gathered.contents,
      findings,
    });
    nodes[node] = built.document;
    for (const file of built.files) sources.add(file.source);
    mapped.push({
      service,
      node,
      what: built.kind.what,
      addresses: [...(placement?.addresses ?? [])].map(([net, address]) => `${net} ${address}`),
    });
  }

  return {
    topology: {
      name: options.name,
      description: `Imported from the SEED Labs set-up ${options.file} by socketlab import; IMPORT.md says what was mapped how and what to check.`,
      // SEED's students work as root in every container (docker exec): so do the terminals.
      defaults: { user: "root" },
      networks: networks.document,
      nodes,
    },
    sources: [...sources].sort(),
    nodes: mapped,
  };
}

interface MappedNetworks {
  /** Compose name -> topology name. */
  names: Map<string, string>;
  /** Topology name -> handout subnet, for those whose subnet is usable. */
  subnets: Map<string, string>;
  cidrs: Map<string, Cidr>;
  document: Record<string, { subnet: string; sniffable?: true }>;
}

function mapNetworks(compose: ComposeFile, sniffable: boolean, findings: Findings): MappedNetworks {
  const names = new Map<string, string>();
  const taken = new Set<string>();
  const written: { network: string; subnet: string; path: Path }[] = [];
  for (const [composeName, network] of Object.entries(compose.networks ?? {})) {
    const name = topologyName(composeName, taken);
    names.set(composeName, name);
    const here = (...rest: Path) => at("networks", composeName, ...rest);
    if (name !== composeName) findings.note("mapped", here(), `network ${composeName} is ${name}`);
    const configs = network?.ipam?.config ?? [];
    const subnet = configs[0]?.subnet;
    if (subnet === undefined) {
      findings.error(
        here(),
        "has no ipam subnet: the import keeps the handout's subnets, so each network needs one",
      );
      continue;
    }
    written.push({
      network: name,
      subnet,
      path: ["networks", composeName, "ipam", "config", 0, "subnet"],
    });
    for (const index of configs.keys()) {
      if (index > 0)
        findings.note(
          "dropped",
          here("ipam", "config", index),
          "only a network's first subnet is kept",
        );
    }
    if (configs[0]?.gateway !== undefined) {
      findings.note(
        "dropped",
        here("ipam", "config", 0, "gateway"),
        "Docker's gateway is always the subnet's first address",
      );
    }
    if (network?.name !== undefined) {
      findings.note(
        "dropped",
        here("name"),
        `Docker network name ${network.name}: each copy of the lab names its own networks`,
      );
    }
    if (network?.internal !== true) {
      findings.note(
        "changed",
        here(),
        "internal: lab networks never reach the host or the Internet",
      );
    }
    if (sniffable) {
      findings.note(
        "changed",
        here(),
        "sniffable (hub mode): the host-network attacker's view of the LAN, without the host's network",
      );
    }
  }
  const cidrs = checkSubnets(written, (path, message) => findings.error({ path }, message));
  const subnets = new Map([...cidrs].map(([name, cidr]) => [name, formatCidr(cidr)]));
  const document: MappedNetworks["document"] = {};
  for (const name of names.values()) {
    const subnet = subnets.get(name);
    if (subnet !== undefined) document[name] = sniffable ? { subnet, sniffable: true } : { subnet };
  }
  return { names, subnets, cidrs, document };
}

/** Every service's networks and handout addresses; host-network services join every network. */
function placeNodes(
  compose: ComposeFile,
  nodeNames: ReadonlyMap<string, string>,
  networks: MappedNetworks,
  findings: Findings,
): Map<string, Placement> {
  const requests: (AddressRequest & { service: string })[] = [];
  for (const [service, definition] of Object.entries(compose.services)) {
    const node = nodeNames.get(service) as string;
    const request = (network: string, written: string | null, path: Path) =>
      requests.push({ service, node, network, written, path });
    if (definition.network_mode === "host") {
      for (const network of networks.subnets.keys())
        request(network, null, ["services", service, "network_mode"]);
      findings.note(
        "changed",
        at("services", service, "network_mode"),
        `network_mode: host becomes an attacker node on every lab network (${[...networks.subnets.keys()].join(", ")}), at the first free address of each`,
      );
      continue;
    }
    const written = definition.networks;
    if (
      written === undefined ||
      (Array.isArray(written) ? written.length === 0 : Object.keys(written).length === 0)
    ) {
      findings.error(
        at("services", service),
        "is on compose's default network, which has no subnet: give it networks (with ipv4_address)",
      );
      continue;
    }
    const attachments: [string, string | null, Path][] = Array.isArray(written)
      ? written.map((n, i) => [n, null, ["services", service, "networks", i]])
      : Object.entries(written).map(([n, a]) => [
          n,
          a?.ipv4_address ?? null,
          a?.ipv4_address === undefined
            ? ["services", service, "networks", n]
            : ["services", service, "networks", n, "ipv4_address"],
        ]);
    for (const [composeNetwork, address, path] of attachments) {
      const network = networks.names.get(composeNetwork);
      if (network === undefined) {
        findings.error(
          { path },
          `unknown network '${composeNetwork}' (networks: ${[...networks.names.keys()].join(", ") || "none"})`,
        );
        continue;
      }
      if (!Array.isArray(written) && written[composeNetwork]?.aliases !== undefined) {
        findings.note(
          "dropped",
          at("services", service, "networks", composeNetwork, "aliases"),
          "aliases: nodes reach each other by node name",
        );
      }
      request(network, address, path);
    }
  }
  const indices = assignAddresses(requests, networks.cidrs, (path, message) =>
    findings.error({ path }, message),
  );
  const placements = new Map<string, Placement>();
  requests.forEach((request, i) => {
    const index = indices[i];
    const cidr = networks.cidrs.get(request.network);
    const placement = placements.get(request.service) ?? {
      service: request.service,
      node: request.node,
      host: request.written === null && request.path.at(-1) === "network_mode",
      addresses: new Map<string, string>(),
    };
    placements.set(request.service, placement);
    if (index !== undefined && cidr !== undefined) {
      placement.addresses.set(request.network, formatAddress(cidr.base + index));
    }
  });
  return placements;
}

interface ServiceContext {
  node: string;
  placement: Placement | undefined;
  nodeNames: ReadonlyMap<string, string>;
  owners: ReadonlyMap<string, string>;
  subnets: ReadonlyMap<string, string>;
  contents: ReadonlyMap<string, Buffer>;
  findings: Findings;
}

function mapService(
  service: string,
  definition: ComposeService,
  input: ServiceInputs,
  context: ServiceContext,
): { document: Record<string, unknown>; files: PlacedFile[]; kind: NodeKind } {
  const { findings } = context;
  const here = (...rest: Path) => at("services", service, ...rest);
  const dockerfile = input.dockerfile?.parsed ?? null;
  const sysctls = mapSysctls(service, definition, findings);
  const networks = Object.fromEntries(context.placement?.addresses ?? []);
  const forwards = sysctls["net.ipv4.ip_forward"] === "1" && Object.keys(networks).length >= 2;
  const kind = chooseKind(definition, dockerfile, context.placement?.host ?? false, forwards);
  findings.note(
    kind.check ? "check" : "mapped",
    here(),
    `${service}: ${kind.what}${kind.check ? `; ${kind.check}` : ""}`,
  );
  if (kind.role === "router") delete sysctls["net.ipv4.ip_forward"];

  if (input.dockerfile !== null && dockerfile !== null)
    describeBuild(input.dockerfile.file, dockerfile, findings);
  noteServiceFields(service, definition, findings);

  const placed = placeFiles(input.files, findings);
  const resolvConf = placed.find((f) => f.path === RESOLV_CONF);
  const resolver = resolvConf && resolverOf(resolvConf, context);
  const files = placed.filter((f) => f !== resolvConf || resolver === undefined);
  const commandContext: CommandContext = {
    node: context.node,
    networks: new Set(Object.keys(networks)),
    subnets: context.subnets,
    owners: context.owners,
    copied: new Set(files.map((f) => f.path)),
  };
  const { start, routes } = mapCommand(service, definition, input, commandContext, findings);
  if (kind.image === DNS_IMAGE && !start.includes(NAMED_START)) {
    start.push(NAMED_START);
    findings.note("mapped", here(), `bind9 is started with '${NAMED_START}'`);
  }

  const document: Record<string, unknown> = {};
  if (kind.role !== undefined) document.role = kind.role;
  if (kind.image !== undefined) document.image = kind.image;
  document.networks = networks;
  const env = mapEnvironment(service, definition, dockerfile, findings);
  if (Object.keys(env).length > 0) document.env = env;
  if (files.length > 0) {
    document.files = files.map((f) => ({ path: f.path, source: f.source, mode: f.mode }));
  }
  if (start.length > 0) document.start = start;
  const capabilities = mapCapabilities(service, definition, kind, findings);
  if (capabilities.length > 0) document.capabilities = capabilities;
  if (Object.keys(sysctls).length > 0) document.sysctls = sysctls;
  if (kind.image === DNS_IMAGE)
    document.ready = { command: "ss -ltn | grep -q ':53 '", timeout: 30 };
  if (resolver !== undefined) document.resolver = resolver;
  const after = mapDependsOn(service, definition, context.nodeNames, findings);
  if (after.length > 0) document.after = after;
  if (routes.length > 0) document.routes = routes;
  return { document, files, kind };
}

const DNS_IMAGE = "socketlab/dns:latest";

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
        "SEED's web servers are Apache with PHP, socketlab/web is nginx with CGI and WSGI: the site's files came along, its server set-up is the web role's (README: web)",
    };
  }
  if (packages.has("postfix") || /seed-server:mail/.test(base)) {
    return {
      image: "socketlab/mail:latest",
      what: "mail server (socketlab/mail)",
      check:
        "the mail role sets up postfix and dovecot from its config (README: mail): give it the domains and users",
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

function describeBuild(file: string, dockerfile: Dockerfile, findings: Findings): void {
  const line = (n: number): Where => ({ file, line: n });
  for (const run of dockerfile.runs) {
    findings.note("check", line(run.line), `not run (nothing is built): ${run.text}`);
  }
  for (const ignored of dockerfile.ignored) {
    findings.note("dropped", line(ignored.line), `no counterpart in a topology: ${ignored.text}`);
  }
}

function noteServiceFields(service: string, definition: ComposeService, findings: Findings): void {
  const here = (...rest: Path) => at("services", service, ...rest);
  if (definition.container_name !== undefined) {
    findings.note(
      "mapped",
      here("container_name"),
      `container ${definition.container_name}: each copy's node is reached by its node name, its terminal from the dashboard`,
    );
  }
  if (definition.hostname !== undefined)
    findings.note("dropped", here("hostname"), "a node's host name is its node name");
  if (definition.tty !== undefined)
    findings.note("dropped", here("tty"), "terminals come from the dashboard");
  if (definition.stdin_open !== undefined)
    findings.note("dropped", here("stdin_open"), "terminals come from the dashboard");
  if (definition.restart !== undefined)
    findings.note("dropped", here("restart"), "socketlab restarts nodes itself");
  if (definition.build !== undefined && definition.image !== undefined) {
    findings.note(
      "dropped",
      here("image"),
      `${definition.image} names the build's image: nothing is built, a socketlab image stands in`,
    );
  }
}

const RESOLV_CONF = "/etc/resolv.conf";

/**
 * The node a copied resolv.conf names as its name server: a handout address, which differs in
 * every copy of the lab, becomes the topology's `resolver:`, which follows the copy.
 */
function resolverOf(file: PlacedFile, context: ServiceContext): string | undefined {
  const text = context.contents.get(file.source)?.toString("utf8") ?? "";
  const server = /^\s*nameserver\s+(\S+)/m.exec(text)?.[1];
  const node = server === undefined ? undefined : context.owners.get(server);
  if (node === undefined) {
    context.findings.note(
      "check",
      file.origin,
      `${RESOLV_CONF} names no node of the lab as its name server: it is copied as it is`,
    );
    return undefined;
  }
  context.findings.note(
    "changed",
    file.origin,
    `${RESOLV_CONF} (nameserver ${server}) becomes resolver: ${node}, which follows each copy's addresses`,
  );
  return node;
}

/** One file per path in the node: a volume mounted over a copied file hides it, as in Docker. */
function placeFiles(files: readonly PlacedFile[], findings: Findings): PlacedFile[] {
  const byPath = new Map<string, PlacedFile>();
  for (const file of files) {
    if (!isPlainFilePath(file.path)) {
      findings.error(file.origin, `'${file.path}' is not a plain file path in the node`);
      continue;
    }
    const earlier = byPath.get(file.path);
    if (earlier !== undefined)
      findings.note("changed", file.origin, `${file.path} replaces ${earlier.source}`);
    byPath.set(file.path, file);
  }
  return [...byPath.values()];
}

function mapCommand(
  service: string,
  definition: ComposeService,
  input: ServiceInputs,
  context: CommandContext,
  findings: Findings,
): { start: string[]; routes: Route[] } {
  const dockerfile = input.dockerfile;
  const written = definition.command ?? dockerfile?.parsed.cmd?.command;
  if (written === undefined) return { start: [], routes: [] };
  const where: Where =
    definition.command !== undefined || dockerfile === null || dockerfile.parsed.cmd === null
      ? at("services", service, "command")
      : { file: dockerfile.file, line: dockerfile.parsed.cmd.line };
  const start: string[] = [];
  const routes: Route[] = [];
  for (const { written: step, outcome } of translate(written, context)) {
    switch (outcome.kind) {
      case "start":
        start.push(outcome.command);
        if (outcome.note) findings.note("changed", where, `'${step}': ${outcome.note}`);
        break;
      case "check":
        start.push(outcome.command);
        findings.note("check", where, `'${step}': ${outcome.note}`);
        break;
      case "routes":
        for (const route of outcome.routes) {
          if (!routes.some((r) => r.to === route.to)) routes.push(route);
        }
        findings.note("mapped", where, `'${step}': ${outcome.note}`);
        break;
      case "dropped":
        findings.note("dropped", where, `'${step}': ${outcome.note}`);
        break;
    }
  }
  return { start, routes };
}

function mapCapabilities(
  service: string,
  definition: ComposeService,
  kind: NodeKind,
  findings: Findings,
): string[] {
  const here = (...rest: Path) => at("services", service, ...rest);
  const capabilities = new Set<string>();
  const all = (definition.cap_add ?? []).findIndex((c) => c.toUpperCase() === "ALL");
  const byRole = kind.role === "attacker" || kind.role === "router";
  const wide: Where[] = [
    ...(definition.privileged ? [here("privileged")] : []),
    ...(all === -1 ? [] : [here("cap_add", all)]),
  ];
  for (const where of wide) {
    findings.note(
      "changed",
      where,
      byRole
        ? `the ${kind.role} role's own capabilities stand in for it (${LAB_CAPABILITIES.join(" and ")}, in its own network namespace)`
        : `only ${LAB_CAPABILITIES.join(" and ")} (sniffing and forging in its own network namespace): a lab node never gets the host's powers`,
    );
    if (!byRole) for (const c of LAB_CAPABILITIES) capabilities.add(c);
  }
  for (const [index, written] of (definition.cap_add ?? []).entries()) {
    if (index === all) continue;
    const capability = normaliseCapability(written);
    if (capability === null)
      findings.error(here("cap_add", index), `unknown capability '${written}'`);
    else capabilities.add(capability);
  }
  return [...capabilities];
}

function keyValues(
  written: ComposeService["sysctls"] | ComposeService["environment"],
  base: Path,
): [string, string | null, Path][] {
  if (written === undefined) return [];
  if (Array.isArray(written)) {
    return written.map((entry, i) => {
      const equals = entry.indexOf("=");
      return equals === -1
        ? [entry, null, [...base, i]]
        : [entry.slice(0, equals).trim(), entry.slice(equals + 1).trim(), [...base, i]];
    });
  }
  return Object.entries(written).map(([key, value]) => [
    key,
    value === null ? null : String(value),
    [...base, key],
  ]);
}

function mapSysctls(
  service: string,
  definition: ComposeService,
  findings: Findings,
): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const [key, value, path] of keyValues(definition.sysctls, [
    "services",
    service,
    "sysctls",
  ])) {
    if (value === null) findings.error({ path }, `sysctl '${key}' has no value: write KEY=VALUE`);
    else if (!SYSCTL_NAME.test(key) || !isNamespacedSysctl(key)) {
      findings.error(
        { path },
        `sysctl '${key}' is not one a container may set (net.*, kernel.shm*, ...)`,
      );
    } else sysctls[key] = value;
  }
  return sysctls;
}

function mapEnvironment(
  service: string,
  definition: ComposeService,
  dockerfile: Dockerfile | null,
  findings: Findings,
): Record<string, string> {
  const env: Record<string, string> = { ...dockerfile?.env };
  for (const [key, value, path] of keyValues(definition.environment, [
    "services",
    service,
    "environment",
  ])) {
    if (!ENV_NAME.test(key))
      findings.error({ path }, `'${key}' is not an environment variable name`);
    else if (value === null)
      findings.note(
        "dropped",
        { path },
        `${key} takes its value from the host's environment, which a lab does not see`,
      );
    else env[key] = value;
  }
  return env;
}

function mapDependsOn(
  service: string,
  definition: ComposeService,
  nodeNames: ReadonlyMap<string, string>,
  findings: Findings,
): string[] {
  const written = definition.depends_on;
  if (written === undefined) return [];
  const names = Array.isArray(written) ? written : Object.keys(written);
  return names.flatMap((other, i) => {
    const node = nodeNames.get(other);
    if (node !== undefined) return [node];
    const path = Array.isArray(written)
      ? ["services", service, "depends_on", i]
      : ["services", service, "depends_on", other];
    findings.error({ path }, `unknown service '${other}'`);
    return [];
  });
}
