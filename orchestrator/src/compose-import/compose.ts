// The part of the compose format that SEED Labs' Labsetup files use (compose v2 and v3), and
// nothing more: a feature outside it is refused where it was written, never half-imported.
import { z } from "zod";
import type { Path, Report } from "../topology/diagnostics.ts";
import { checkAgainst } from "../topology/shape.ts";
import { entries } from "../topology/wellformed.ts";

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const strings = z.array(z.string());

/** `- KEY=VALUE` or `KEY: VALUE`, as compose takes environment and sysctls. */
const keyValues = z.union([strings, z.record(z.string(), z.union([scalar, z.null()]))]);

const attachment = z
  .object({ ipv4_address: z.string().optional(), aliases: strings.optional() })
  .nullable();

const service = z.object({
  image: z.string().min(1).optional(),
  build: z
    .union([
      z.string().min(1),
      z.object({ context: z.string().min(1), dockerfile: z.string().min(1).optional() }),
    ])
    .optional(),
  container_name: z.string().optional(),
  hostname: z.string().optional(),
  tty: z.boolean().optional(),
  stdin_open: z.boolean().optional(),
  privileged: z.boolean().optional(),
  cap_add: strings.optional(),
  network_mode: z.literal("host", "only network_mode: host is supported").optional(),
  networks: z.union([strings, z.record(z.string(), attachment)]).optional(),
  volumes: strings.optional(),
  command: z.union([z.string(), strings]).optional(),
  sysctls: keyValues.optional(),
  environment: keyValues.optional(),
  depends_on: z.union([strings, z.record(z.string(), z.unknown())]).optional(),
  restart: z.string().optional(),
});

const network = z
  .object({
    name: z.string().optional(),
    driver: z.literal("bridge", "only bridge networks are supported").optional(),
    internal: z.boolean().optional(),
    ipam: z
      .object({
        driver: z.string().optional(),
        config: z.array(
          z.object({ subnet: z.string().optional(), gateway: z.string().optional() }),
        ),
      })
      .optional(),
  })
  .nullable();

export const composeSchema = z.object({
  version: z.union([z.string(), z.number()]).optional(),
  services: z.record(z.string(), service),
  networks: z.record(z.string(), network).optional(),
});

export type ComposeFile = z.infer<typeof composeSchema>;
export type ComposeService = z.infer<typeof service>;

/** Fields refused with the reason why; any other unknown field is refused as unsupported. */
const REFUSED: Record<string, string> = {
  ports: "publishes ports on the host; lab nodes reach each other inside the lab, never the host",
  expose: "is not needed: nodes of a lab reach each other on every port",
  secrets: "secrets are not supported: put what the node needs in its files",
  configs: "configs are not supported: put what the node needs in its files",
  extends: "extends is not supported: write the service out whole",
  external: "external networks are not supported: every lab network belongs to one lab copy",
  devices: "gives the node a host device",
  pid: "shares a process namespace with the host or another container",
  ipc: "shares an IPC namespace with the host or another container",
  userns_mode: "changes the node's user namespace",
  extra_hosts: "is not supported: nodes reach each other by name",
  dns: "is not supported: give the node a resolver in the topology",
  links: "is not needed: nodes reach each other by name",
  profiles: "is not supported: import one set-up per file",
  include: "is not supported: import one file",
  volumes: "named volumes are not supported: a node's files come from the set-up's folder",
};

const KNOWN = {
  top: new Set(Object.keys(composeSchema.shape)),
  service: new Set(Object.keys(service.shape)),
  network: new Set(Object.keys(network.unwrap().shape)),
};

/** Every field outside the supported part, reported at its key; then the form of the rest. */
export function checkCompose(data: Record<string, unknown>, report: Report): ComposeFile | null {
  let refused = false;
  const refuseUnknown = (path: Path, value: unknown, known: ReadonlySet<string>) => {
    for (const [key] of entries(value)) {
      if (known.has(key) || key.startsWith("x-")) continue;
      refused = true;
      report([...path, key], `${key}: ${REFUSED[key] ?? "is not supported by the import"}`, "key");
    }
  };
  refuseUnknown([], data, KNOWN.top);
  for (const [name, value] of entries(data.services)) {
    refuseUnknown(["services", name], value, KNOWN.service);
  }
  for (const [name, value] of entries(data.networks)) {
    refuseUnknown(["networks", name], value, KNOWN.network);
  }
  const parsed = checkAgainst(composeSchema, data, report);
  return refused || parsed === undefined ? null : parsed;
}
