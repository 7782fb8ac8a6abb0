// The shape of a topology YAML file as written by an instructor. Only the form of each field is
// checked here; relations between fields (addresses inside subnets, references to other nodes,
// files on disk) are checked by `semantics.ts`, which knows where every value stands in the file.
import { z } from "zod";

/** Lowercase DNS label: usable as a hostname, in Docker names and in labels, never in a shell. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,29}$/;
const name = (what: string) =>
  z
    .string()
    .regex(
      NAME_PATTERN,
      `${what} must start with a lowercase letter and hold only a-z, 0-9 and '-' (30 at most)`,
    )
    .refine((s) => !s.endsWith("-"), `${what} must not end with '-'`);

/** `256m`, `1g`, `512k` or a plain number of bytes. */
export const MEMORY_PATTERN = /^[0-9]+(\.[0-9]+)?[kmg]?$/i;

const limits = z.strictObject({
  memory: z
    .union([
      z.number().int().positive(),
      z.string().regex(MEMORY_PATTERN, "memory must look like 256m, 1g or a number of bytes"),
    ])
    .optional(),
  cpus: z.number().positive().max(64).optional(),
  pids: z.number().int().min(16).max(65536).optional(),
});

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const file = z
  .strictObject({
    path: z.string().startsWith("/", "path must be absolute inside the node"),
    content: z.string().optional(),
    source: z.string().min(1).optional(),
    mode: z
      .union([
        z.string().regex(/^0?[0-7]{3,4}$/, "mode must be octal, like 0644"),
        z.number().int(),
      ])
      .optional(),
  })
  .refine((f) => (f.content === undefined) !== (f.source === undefined), {
    message: "give exactly one of content or source",
  });

const ready = z.strictObject({
  command: z.string().min(1),
  timeout: z.number().positive().max(600).optional(),
});

/** A route through another node of the lab: `to` a network's name or a CIDR, `via` a node. */
const route = z.strictObject({
  to: z.string().min(1),
  via: name("node name"),
});

/** A resolver: a node's name or an IPv4 address; empty keeps Docker's own (no default). */
const resolver = z.union([z.string().min(1), z.null()]);

/** The account browser terminals log in as: a user name by Debian's rule (`root` allowed). */
const user = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_-]{0,31}$/,
    "a user name holds a-z, 0-9, '_' and '-' (32 at most), such as student or root",
  );

/** A node's attachment: `.53` (host part), `10.0.0.53` (full address), or `auto`/empty. */
const attachment = z.union([z.string(), z.null()]);

const node = z.strictObject({
  role: name("role").optional(),
  image: z.string().min(1).optional(),
  networks: z.record(name("network name"), attachment),
  env: z
    .record(
      z
        .string()
        .regex(
          /^[A-Za-z_][A-Za-z0-9_]*$/,
          "environment variable names are letters, digits and '_'",
        ),
      scalar,
    )
    .optional(),
  files: z.array(file).optional(),
  start: z.array(z.string().min(1)).optional(),
  capabilities: z.array(z.string()).optional(),
  sysctls: z.record(z.string(), scalar).optional(),
  limits: limits.optional(),
  ready: ready.optional(),
  after: z.array(name("node name")).optional(),
  /** Routes added before anything else starts: `to` a network (its instance subnet) or a CIDR. */
  routes: z.array(route).optional(),
  /** The DNS resolver the node uses (/etc/resolv.conf): a node's name or an IPv4 address. */
  resolver: resolver.optional(),
  /** The account browser terminals log in as (default: student). */
  user: user.optional(),
  /** The role's own settings; each role checks them against its schema (see roles/). */
  config: z.unknown().optional(),
});

/**
 * A task's check: `command` (sh -c), passed when it exits 0 within `timeout`. It runs on `node`
 * (the student's, where they are root) or, with `vantage: probe`, in a container of socketlab's
 * own attached to `networks`, which no student can reach into. checks.ts says which fields go
 * with which vantage.
 */
const check = z.strictObject({
  id: name("check id"),
  task: z.string().min(1),
  vantage: z.enum(["node", "probe"], "vantage is node (the default) or probe").optional(),
  node: name("node name").optional(),
  networks: z.array(name("network name")).min(1).optional(),
  command: z.string().min(1),
  timeout: z.number().positive().max(300).optional(),
});

/** A random value made for each lab instance: a secret, a flag, a password. */
const value = z.strictObject({
  length: z.number().int().min(4).max(64).optional(),
  alphabet: z
    .enum(["alnum", "hex", "digits"], "alphabet is alnum (the default), hex or digits")
    .optional(),
});

const network = z.strictObject({
  subnet: z.string(),
  sniffable: z.boolean().optional(),
});

export const topologySchema = z.strictObject({
  name: name("name"),
  description: z.string().optional(),
  defaults: z
    .strictObject({
      role: name("role").optional(),
      limits: limits.optional(),
      resolver: resolver.optional(),
      user: user.optional(),
    })
    .optional(),
  networks: z.record(name("network name"), network),
  nodes: z.record(name("node name"), node),
  /** Per lab instance, referred to as `${{ values.NAME }}` in env, files, start and checks. */
  values: z.record(name("value name"), value.nullable()).optional(),
  checks: z.array(check).optional(),
});

export type TopologyDocument = z.infer<typeof topologySchema>;
export type NodeDocument = z.infer<typeof node>;
export { name as nameSchema };
