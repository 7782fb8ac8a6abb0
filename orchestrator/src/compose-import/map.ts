// A SEED Labs compose file as a socketlab topology document: a pure function of the compose file
// and what its folder holds (gather.ts). Every field is mapped, changed with a note, or dropped
// with a note; errors are reported where they were written.
import type { Path } from "../topology/diagnostics.ts";
import { isPlainFilePath } from "../topology/files.ts";
import {
  BUILD_START_SCRIPT,
  type CommandContext,
  NAMED_START,
  type Route,
  translate,
} from "./commands.ts";
import type { ComposeFile, ComposeService } from "./compose.ts";
import { at, type Findings, type Where } from "./findings.ts";
import type { Gathered, PlacedFile, ServiceInputs } from "./gather.ts";
import { chooseKind, DNS_IMAGE, type NodeKind } from "./kinds.ts";
import { topologyName } from "./names.ts";
import { mapNetworks, type Placement, placeNodes } from "./placement.ts";
import {
  describeBuild,
  mapCapabilities,
  mapDependsOn,
  mapEnvironment,
  mapSysctls,
  noteServiceFields,
} from "./settings.ts";

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

interface ServiceContext {
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
  const kind = chooseKind(definition, dockerfile, definition.network_mode === "host", forwards);
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
    networks: new Set(Object.keys(networks)),
    subnets: context.subnets,
    owners: context.owners,
    copied: new Set(files.map((f) => f.path)),
  };
  const { start, routes } = mapCommand(service, definition, input, commandContext, findings);
  // A build's own start script (run in the background, flagged to check) may start bind9 itself.
  const ownScript = start.some((command) => command.startsWith(BUILD_START_SCRIPT));
  if (kind.image === DNS_IMAGE && !start.includes(NAMED_START) && !ownScript) {
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
