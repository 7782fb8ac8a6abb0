// What the schema cannot see: how fields relate to each other (addresses in subnets, references
// to networks and nodes) and to the world (roles, capabilities, files on disk). Produces the
// resolved topology from the well-formed parts of the document (see wellformed.ts).
import { type AddressRequest, assignAddresses, checkSubnets } from "./addresses.ts";
import { resolveChecks } from "./checks.ts";
import type { Path, Report } from "./diagnostics.ts";
import { resolveFiles } from "./files.ts";
import { convertLimits } from "./limits.ts";
import { isNamespacedSysctl, normaliseCapability, SYSCTL_NAME } from "./linux.ts";
import {
  DEFAULT_LIMITS,
  DEFAULT_NODE_USER,
  DEFAULT_READY_TIMEOUT_SECONDS,
  type Limits,
  type NetworkDef,
  type NodeDef,
  type Topology,
} from "./model.ts";
import { resolveOrder, type WrittenAfter } from "./order.ts";
import { resolveResolvers, writtenResolver } from "./resolver.ts";
import type { RoleCatalog, RoleRules } from "./role-catalog.ts";
import { resolveRoutes, type WrittenRoute, writtenRoutes } from "./routes.ts";
import { type NodeDocument, topologySchema } from "./schema.ts";
import { checkAgainst } from "./shape.ts";
import type { SourceReader } from "./sources.ts";
import { checkValueReferences, resolveValues } from "./values.ts";
import { entries, fields, items, member, valid } from "./wellformed.ts";

const shape = topologySchema.shape;
const defaultsSchema = shape.defaults.unwrap();
const limitsSchema = defaultsSchema.shape.limits.unwrap();
const networkSchema = shape.networks.valueType;
const nodeSchema = shape.nodes.valueType;
const attachmentSchema = nodeSchema.shape.networks.valueType;
const fileSchema = nodeSchema.shape.files.unwrap().element;

/**
 * Checks the document and resolves it. The topology is complete only when nothing was reported;
 * otherwise it holds whatever could be resolved, and is to be dropped.
 */
export async function resolveTopology(
  data: Record<string, unknown>,
  readSource: SourceReader,
  report: Report,
  roles: RoleCatalog,
  capabilities: ReadonlySet<string>,
): Promise<Topology> {
  const written = entries(data.networks).map(([name, value]) => ({
    name,
    ...fields(networkSchema, value),
  }));
  const subnets = checkSubnets(
    written.flatMap(({ name, subnet }) =>
      subnet === undefined ? [] : [{ network: name, subnet, path: ["networks", name, "subnet"] }],
    ),
    report,
  );
  const networks: NetworkDef[] = written.flatMap(({ name, sniffable = false }) => {
    const subnet = subnets.get(name);
    return subnet === undefined ? [] : [{ name, subnet, sniffable }];
  });

  const defaults = fields(defaultsSchema, data.defaults);
  const context: NodeContext = {
    declaredNetworks: new Set(written.map(({ name }) => name)),
    roles,
    capabilities,
    defaultRole:
      defaults.role === undefined
        ? findRole(roles, roles.defaultRole)
        : checkRole(roles, defaults.role, ["defaults", "role"], report),
    defaultLimits: {
      ...DEFAULT_LIMITS,
      ...convertLimits(
        fields(limitsSchema, member(data.defaults, "limits")),
        ["defaults", "limits"],
        report,
      ),
    },
    defaultUser: defaults.user ?? DEFAULT_NODE_USER,
    readSource,
    report,
  };

  const nodes: NodeDef[] = [];
  const requests: AddressRequest[] = [];
  const afters: WrittenAfter[] = [];
  const routes: WrittenRoute[] = [];
  const resolvers: { node: string; resolver: string | null | undefined }[] = [];
  for (const [name, value] of entries(data.nodes)) {
    const node = await resolveNode(name, value, context);
    nodes.push(node.def);
    requests.push(...node.requests);
    afters.push({ node: name, after: node.after });
    routes.push(...writtenRoutes(name, value));
    resolvers.push({ node: name, resolver: writtenResolver(value) });
  }

  // Addresses and start order depend on all nodes: they are filled in once all are known.
  const byName = new Map(nodes.map((node) => [node.name, node]));
  const hostIndices = assignAddresses(requests, subnets, report);
  requests.forEach(({ node, network }, i) => {
    const hostIndex = hostIndices[i];
    if (hostIndex !== undefined) byName.get(node)?.attachments.push({ network, hostIndex });
  });
  for (const [name, after] of resolveOrder(afters, new Set(byName.keys()), report)) {
    const node = byName.get(name);
    if (node) node.after = after;
  }
  const networksOf = new Map(nodes.map((node) => [node.name, new Set<string>()]));
  for (const { node, network } of requests) networksOf.get(node)?.add(network);
  const routeContext = { networks: context.declaredNetworks, subnets, networksOf };
  for (const [name, resolved] of resolveRoutes(routes, routeContext, report)) {
    const node = byName.get(name);
    if (node) node.routes = resolved;
  }

  const known = new Set(byName.keys());
  for (const [name, resolver] of resolveResolvers(resolvers, defaults.resolver, known, report)) {
    const node = byName.get(name);
    if (node) node.resolver = resolver;
  }

  // Roles check what relates their config to the rest of the topology once every node is known.
  const view = { nodes, networks: networks.map((n) => n.name) };
  for (const node of nodes) {
    const role = findRole(roles, node.role);
    if (!role?.check || node.config === null) continue;
    for (const problem of role.check(node.config, node, view)) {
      report(["nodes", node.name, "config", ...problem.path], problem.message);
    }
  }

  const values = resolveValues(data.values);
  checkValueReferences(data, nodes, report);

  return {
    name: valid(shape.name, data.name) ?? "",
    description: valid(shape.description, data.description) ?? "",
    networks,
    nodes,
    values,
    checks: resolveChecks(data.checks, known, context.declaredNetworks, report),
  };
}

interface NodeContext {
  declaredNetworks: ReadonlySet<string>;
  roles: RoleCatalog;
  /** The capabilities a node may ask for. */
  capabilities: ReadonlySet<string>;
  /** Undefined when `defaults.role` names no role (already reported). */
  defaultRole: RoleRules | undefined;
  defaultLimits: Limits;
  defaultUser: string;
  readSource: SourceReader;
  report: Report;
}

/** One node, with its attachments and `after` left to resolve across nodes. */
async function resolveNode(
  name: string,
  value: unknown,
  {
    declaredNetworks,
    roles,
    capabilities,
    defaultRole,
    defaultLimits,
    defaultUser,
    readSource,
    report,
  }: NodeContext,
): Promise<{ def: NodeDef; requests: AddressRequest[]; after: string[] | undefined }> {
  const path = ["nodes", name];
  const node = fields(nodeSchema, value);

  if (node.networks !== undefined && Object.keys(node.networks).length === 0) {
    report([...path, "networks"], "a node needs at least one network");
  }
  const requests: AddressRequest[] = [];
  for (const [network, attachment] of entries(member(value, "networks"))) {
    const written = valid(attachmentSchema, attachment);
    const at = [...path, "networks", network];
    if (written === undefined) continue;
    if (declaredNetworks.has(network)) requests.push({ node: name, network, written, path: at });
    else report(at, `network '${network}' is not declared under networks`, "key");
  }

  const role =
    node.role === undefined ? defaultRole : checkRole(roles, node.role, [...path, "role"], report);
  const files = items(member(value, "files")).flatMap(([index, file]) => {
    const wellFormed = valid(fileSchema, file);
    return wellFormed === undefined ? [] : [[index, wellFormed] as const];
  });

  const def: NodeDef = {
    name,
    role: role?.name ?? "",
    image: node.image ?? (role ? roles.image(role) : ""),
    attachments: [],
    env: stringValues(node.env ?? {}),
    files: await resolveFiles(files, [...path, "files"], readSource, report),
    start: node.start ?? [],
    capabilities: resolveCapabilities(
      node.capabilities ?? [],
      capabilities,
      [...path, "capabilities"],
      report,
    ),
    sysctls: resolveSysctls(node.sysctls ?? {}, [...path, "sysctls"], report),
    limits: {
      ...defaultLimits,
      ...convertLimits(fields(limitsSchema, member(value, "limits")), [...path, "limits"], report),
    },
    ready: node.ready
      ? {
          command: node.ready.command,
          timeoutSeconds: node.ready.timeout ?? DEFAULT_READY_TIMEOUT_SECONDS,
        }
      : null,
    after: [],
    routes: [],
    resolver: null,
    user: node.user ?? defaultUser,
    config: role ? checkConfig(role, member(value, "config"), [...path, "config"], report) : null,
  };
  return { def, requests, after: node.after };
}

/** A role's config, parsed by the role's schema; problems are reported where they stand. */
function checkConfig(role: RoleRules, written: unknown, path: Path, report: Report): unknown {
  if (!role.config) {
    if (written !== undefined) report(path, `role '${role.name}' takes no config`, "key");
    return null;
  }
  return checkAgainst(role.config, written ?? {}, report, path) ?? null;
}

function findRole(roles: RoleCatalog, name: string): RoleRules | undefined {
  return roles.roles.find((r) => r.name === name);
}

function checkRole(
  roles: RoleCatalog,
  name: string,
  path: Path,
  report: Report,
): RoleRules | undefined {
  const role = findRole(roles, name);
  if (!role) {
    const known = roles.roles.map((r) => r.name).join(", ");
    report(path, `unknown role '${name}' (known roles: ${known})`);
  }
  return role;
}

/**
 * Normalised (`NET_ADMIN`), each once: listing one twice, or with and without `CAP_`, is harmless.
 * Only `allowed` ones pass: a topology may come from anyone who may upload one.
 */
function resolveCapabilities(
  written: string[],
  allowed: ReadonlySet<string>,
  path: Path,
  report: Report,
): string[] {
  const capabilities = new Set<string>();
  written.forEach((name, index) => {
    const capability = normaliseCapability(name);
    if (capability === null) report([...path, index], `unknown capability '${name}'`);
    else if (!allowed.has(capability)) {
      const list = [...allowed].join(", ");
      report(
        [...path, index],
        `capability '${capability}' is not allowed in a lab node (allowed: ${list}); only the operator may allow more (SOCKETLAB_EXTRA_CAPABILITIES)`,
      );
    } else capabilities.add(capability);
  });
  return [...capabilities];
}

function resolveSysctls(
  written: NonNullable<NodeDocument["sysctls"]>,
  path: Path,
  report: Report,
): Record<string, string> {
  for (const key of Object.keys(written)) {
    if (!SYSCTL_NAME.test(key)) {
      report(
        [...path, key],
        `'${key}' is not a sysctl name (dot-separated words of a-z, 0-9, '_' and '-')`,
        "key",
      );
    } else if (!isNamespacedSysctl(key)) {
      report(
        [...path, key],
        `sysctl '${key}' is not allowed: Docker only sets namespaced ones (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)`,
        "key",
      );
    }
  }
  return stringValues(written);
}

function stringValues(record: Record<string, string | number | boolean>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, String(value)]));
}
