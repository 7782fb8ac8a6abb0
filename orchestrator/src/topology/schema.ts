// The shape of a topology YAML file as written by an instructor. Only the form of each field is
// checked here; relations between fields (addresses inside subnets, references to other nodes,
// files on disk) are checked by `semantics.ts`, which knows where every value stands in the file.
import { z } from "zod";
import { SIZE_PATTERN } from "../config.ts";
import { DEFAULT_CHECK_TIMEOUT_SECONDS, DEFAULT_READY_TIMEOUT_SECONDS } from "./model.ts";

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
export const MEMORY_PATTERN = SIZE_PATTERN;

// Every field's description is what an editor shows on hover (schemas/topology.schema.json).
const limits = z
  .strictObject({
    memory: z
      .union([
        z.number().int().positive(),
        z.string().regex(MEMORY_PATTERN, "memory must look like 256m, 1g or a number of bytes"),
      ])
      .meta({ description: "Memory limit: 256m, 1g, or a number of bytes.", examples: ["256m"] })
      .optional(),
    cpus: z
      .number()
      .positive()
      .max(64)
      .meta({ description: "CPUs the node may use (0.5: half of one)." })
      .optional(),
    pids: z
      .number()
      .int()
      .min(16)
      .max(65536)
      .meta({ description: "Processes the node may run at once (a fork bomb stops there)." })
      .optional(),
  })
  .meta({ description: "Resource limits of a node." });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const file = z
  .strictObject({
    path: z
      .string()
      .regex(/^\//, "path must be absolute inside the node")
      .meta({
        description: "Where the file goes in the node (absolute).",
        examples: ["/etc/motd"],
      }),
    content: z.string().meta({ description: "The file's text (or give source)." }).optional(),
    source: z
      .string()
      .min(1)
      .meta({
        description: "A file beside the topology whose content is copied (or give content).",
      })
      .optional(),
    mode: z
      .union([
        z.string().regex(/^0?[0-7]{3,4}$/, "mode must be octal, like 0644"),
        z.number().int(),
      ])
      .meta({ description: "Permissions, in octal.", examples: ["0644", "0755"] })
      .optional(),
  })
  .refine((f) => (f.content === undefined) !== (f.source === undefined), {
    message: "give exactly one of content or source",
  })
  // The refinement above, in JSON Schema's words (meta keys go into the generated schema as is).
  .meta({
    description: "A file put into the node before it starts.",
    oneOf: [{ required: ["content"] }, { required: ["source"] }],
  });

const ready = z
  .strictObject({
    command: z
      .string()
      .min(1)
      .meta({ description: "Run in the node (sh -c); ready once it exits 0." }),
    timeout: z
      .number()
      .positive()
      .max(600)
      .meta({ description: `Seconds to wait (default ${DEFAULT_READY_TIMEOUT_SECONDS}).` })
      .optional(),
  })
  .meta({
    description: "When the node counts as ready: nodes that name it in `after` wait for it.",
  });

const route = z
  .strictObject({
    to: z
      .string()
      .min(1)
      .meta({ description: "A network's name (its subnet in this lab) or a CIDR." }),
    via: name("node name").meta({ description: "The node (a router) the traffic goes through." }),
  })
  .meta({ description: "A route through another node of the lab." });

const resolver = z.union([z.string().min(1), z.null()]).meta({
  description:
    "The DNS resolver the node uses (/etc/resolv.conf): a node's name or an IPv4 address; empty keeps Docker's own, which answers the names of the network's containers and forwards nothing out of the node.",
});

const user = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_-]{0,31}$/,
    "a user name holds a-z, 0-9, '_' and '-' (32 at most), such as student or root",
  )
  .meta({
    description: "The account browser terminals log in as (default: student).",
    examples: ["student", "root"],
  });

const attachment = z.union([z.string(), z.null()]).meta({
  description:
    "The node's address on this network: `.53` (host part), a full address, or empty/auto.",
  examples: [".53", "10.9.0.53", null],
  // For editors, which read an unquoted `.53` as YAML does, the number 0.53; the loader keeps
  // the text as written (document.ts).
  anyOf: [{ type: "string" }, { type: "number" }, { type: "null" }],
});

const node = z
  .strictObject({
    role: name("role")
      .meta({ description: "What the node is: its image and its `config`." })
      .optional(),
    image: z
      .string()
      .min(1)
      .meta({ description: "A locally built image instead of the role's own." })
      .optional(),
    networks: z
      .record(name("network name"), attachment)
      .meta({ description: "The networks the node is on, with its address on each." }),
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
      .meta({ description: "Environment variables of the node's processes." })
      .optional(),
    files: z
      .array(file)
      .meta({ description: "Files put into the node before it starts." })
      .optional(),
    start: z
      .array(z.string().min(1))
      .meta({ description: "Commands run (sh -c) when the node starts, after its role's." })
      .optional(),
    capabilities: z
      .array(z.string())
      .meta({
        description: "Linux capabilities added to the node's (NET_ADMIN, NET_RAW, ...).",
        examples: [["NET_ADMIN"]],
      })
      .optional(),
    sysctls: z
      .record(z.string(), scalar)
      .meta({
        description: "Kernel settings of the node's network namespace.",
        examples: [{ "net.ipv4.ip_forward": 1 }],
      })
      .optional(),
    limits: limits.optional(),
    ready: ready.optional(),
    after: z
      .array(name("node name"))
      .meta({ description: "Nodes that must be ready before this one starts." })
      .optional(),
    routes: z
      .array(route)
      .meta({ description: "Routes added before anything else starts." })
      .optional(),
    resolver: resolver.optional(),
    user: user.optional(),
    config: z
      .unknown()
      .meta({ description: "The role's own settings, checked against the role's schema." })
      .optional(),
  })
  .meta({ description: "A node of the lab: one container in each student's lab." });

// checks.ts says which fields go with which vantage.
const check = z
  .strictObject({
    id: name("check id").meta({ description: "The check's name, unique in the topology." }),
    task: z.string().min(1).meta({ description: "The task of the handout it checks." }),
    vantage: z
      .enum(["node", "probe"], "vantage is node (the default) or probe")
      .meta({
        description:
          "Where it runs: node (default: on `node`, where the student is root and could fake it) or probe (a socketlab container on `networks`, out of every student's reach).",
      })
      .optional(),
    node: name("node name")
      .meta({ description: "The node the command runs on (vantage node)." })
      .optional(),
    networks: z
      .array(name("network name"))
      .min(1)
      .meta({ description: "The lab networks the probe is attached to (vantage probe)." })
      .optional(),
    command: z
      .string()
      .min(1)
      .meta({ description: "Run with sh -c; the check passes when it exits 0." }),
    timeout: z
      .number()
      .positive()
      .max(300)
      .meta({
        description: `Seconds before it counts as failed (default ${DEFAULT_CHECK_TIMEOUT_SECONDS}).`,
      })
      .optional(),
  })
  .meta({
    description:
      "A check of a task: `command` on `node` or from the probe, passed when it exits 0 within `timeout`.",
  });

const value = z
  .strictObject({
    length: z
      .number()
      .int()
      .min(4)
      .max(64)
      .meta({ description: "Characters (default 16)." })
      .optional(),
    alphabet: z
      .enum(["alnum", "hex", "digits"], "alphabet is alnum (the default), hex or digits")
      .meta({ description: "alnum (default: A-Z, a-z, 0-9), hex or digits." })
      .optional(),
  })
  .meta({ description: "A random value made for each lab: a secret, a flag, a password." });

const network = z
  .strictObject({
    subnet: z.string().meta({
      description: "The subnet in the handout; each lab gets its own in its place.",
      examples: ["10.9.0.0/24"],
    }),
    sniffable: z
      .boolean()
      .meta({ description: "Hub mode: every node on it sees its neighbours' unicast traffic." })
      .optional(),
  })
  .meta({
    description: "A network of the lab: an internal bridge of its own in each student's lab.",
  });

export const topologySchema = z
  .strictObject({
    name: name("name").meta({
      description: "The topology's name: labs made from it are named after it.",
    }),
    description: z.string().meta({ description: "One line for the library's list." }).optional(),
    defaults: z
      .strictObject({
        role: name("role")
          .meta({ description: "The role of nodes that name none (default: client)." })
          .optional(),
        limits: limits.optional(),
        resolver: resolver.optional(),
        user: user.optional(),
      })
      .meta({ description: "Settings of every node that does not give its own." })
      .optional(),
    networks: z
      .record(name("network name"), network)
      .meta({ description: "The lab's networks, by name." }),
    nodes: z.record(name("node name"), node).meta({ description: "The lab's nodes, by name." }),
    values: z
      .record(name("value name"), value.nullable())
      .meta({
        description: `Values made at random for each lab, written \${{ values.NAME }} in env, files, start commands, roles' config and checks' commands.`,
      })
      .optional(),
    checks: z
      .array(check)
      .meta({ description: "Checks of the handout's tasks, run from the lab page." })
      .optional(),
  })
  .meta({
    title: "socketlab topology",
    description: "A socketlab lab: networks, nodes, and checks of the handout's tasks.",
  });

export type TopologyDocument = z.infer<typeof topologySchema>;
export type NodeDocument = z.infer<typeof node>;
export { name as nameSchema };
