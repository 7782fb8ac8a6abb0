// The memcached role: a memcached server listening on the lab's networks, with the port and
// memory size the topology gives.
import { z } from "zod";
import { parseMemory } from "../topology/limits.ts";
import { type Contribution, defineRole } from "./types.ts";

const MEGABYTE = 1024 * 1024;

const configSchema = z.strictObject({
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(11211)
    .describe("The TCP and UDP port memcached listens on."),
  memory: z
    .string()
    .regex(/^[1-9][0-9]*[mg]$/i, "memory is a size in megabytes or gigabytes, like 64m or 1g")
    .default("64m")
    .describe("memcached's cache size, in its own unit: whole megabytes (64m, 1g)."),
});

export type MemcachedConfig = z.infer<typeof configSchema>;

export const memcached = defineRole<MemcachedConfig>({
  name: "memcached",
  imageFolder: "memcached",
  summary: "a memcached server on the lab network (text protocol; port and memory from config)",
  config: configSchema,
  check(config, node) {
    const cache = parseMemory(config.memory);
    if (cache < node.limits.memoryBytes) return [];
    const limit = `${Math.floor(node.limits.memoryBytes / MEGABYTE)}m`;
    return [
      {
        path: ["memory"],
        message: `memcached's ${config.memory} must stay below the node's memory limit (${limit}): raise limits.memory or lower this`,
      },
    ];
  },
  configure: memcachedService,
});

/**
 * Starts memcached on the node, in the background, and waits until it answers. A role whose
 * image also has memcached can add this to its own contribution to run one beside its server.
 */
export function memcachedService(config: MemcachedConfig): Contribution {
  const megabytes = parseMemory(config.memory) / MEGABYTE;
  return {
    // -d forks and returns, as a start command must; memcached drops root for its own account.
    start: [`memcached -d -u memcache -l 0.0.0.0 -p ${config.port} -m ${megabytes}`],
    ready: {
      command: `printf 'version\\r\\n' | nc -N -w 2 127.0.0.1 ${config.port} | grep -q '^VERSION '`,
      timeoutSeconds: 30,
    },
  };
}
