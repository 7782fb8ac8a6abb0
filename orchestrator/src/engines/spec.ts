// What an engine of the pool is: a name, where its API answers (the local socket, a unix socket
// path, TCP with TLS, or SSH; dockerode speaks all four) and how much it may hold. Specs come
// from the service's engines file (config.ts) or from an instructor through the API.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { secretFromFile } from "../agent/auth.ts";
import type { ConnectionOptions } from "../runtime/docker/dockerode.ts";
import { parseMemory } from "../topology/limits.ts";

const HOST =
  /^(local|unix:\/\/\/\S+|tcp:\/\/[A-Za-z0-9.[\]:-]+:\d{1,5}|ssh:\/\/[A-Za-z0-9._-]+@[A-Za-z0-9.[\]:-]+(:\d{1,5})?)$/;
const MEMORY = /^\d+(\.\d+)?[kmg]?$/i;
/** An OpenSSH public key line: its type and base64 blob (a comment after them is allowed). */
const HOST_KEY = /^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}( .*)?$/;

export const engineSpecInput = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "lowercase letters, digits and '-', 32 at most"),
    host: z
      .string()
      .regex(HOST, "local, unix:///PATH, tcp://HOST:PORT or ssh://USER@HOST[:PORT]")
      .default("local"),
    tls: z
      .object({
        ca: z.string().min(1).describe("file of the CA that signed the engine's certificate"),
        cert: z.string().min(1).describe("file of the client certificate"),
        key: z.string().min(1).describe("file of the client key"),
      })
      .strict()
      .optional()
      .describe("client certificates for tcp:// (Docker's --tlsverify set-up)"),
    agent: z
      .object({
        ca: z.string().min(1).describe("file of the CA that signed the agent's certificate"),
        secretFile: z.string().min(1).describe("file of the secret the agent requires"),
      })
      .strict()
      .optional()
      .describe("tcp:// to a socketlab agent (docs/operator.md: The agent): HTTPS and a secret"),
    capacity: z
      .object({
        labs: z.number().int().positive().optional().describe("labs it may hold"),
        memory: z
          .union([z.string().regex(MEMORY, "a size such as 16g or 512m"), z.number().positive()])
          .optional()
          .describe("memory its labs' limits may add up to"),
      })
      .strict()
      .default({}),
    drained: z
      .boolean()
      .default(false)
      .describe("takes no new lab (e.g. an engine kept only as the source of images)"),
    insecure: z
      .boolean()
      .default(false)
      .describe("accepts a tcp:// engine without tls on another host: its API in cleartext"),
    hostKey: z
      .string()
      .regex(HOST_KEY, "a host key as ssh-keyscan prints it, without the host: TYPE BASE64")
      .optional()
      .describe("ssh:// only: the engine host's public key; any other key is refused"),
  })
  .strict()
  .refine((spec) => !spec.hostKey || spec.host.startsWith("ssh://"), {
    path: ["hostKey"],
    message: "hostKey applies to ssh:// engines only",
  })
  // Without a pinned key, whoever answers at the address (a spoofed DNS name, a host on the path)
  // would be sent the engine's traffic and could pose as an engine.
  .refine((spec) => !spec.host.startsWith("ssh://") || spec.hostKey, {
    path: ["hostKey"],
    message:
      "an ssh:// engine needs hostKey, its host's public key (ssh-keyscan -t ed25519 HOST prints it after the host name)",
  })
  .refine((spec) => !spec.tls || spec.host.startsWith("tcp://"), {
    path: ["tls"],
    message: "tls applies to tcp:// engines only",
  })
  .refine((spec) => !spec.agent || spec.host.startsWith("tcp://"), {
    path: ["agent"],
    message: "agent applies to tcp:// engines only",
  })
  .refine((spec) => !(spec.agent && spec.tls), {
    path: ["agent"],
    message: "an engine is reached either through an agent or with tls, not both",
  })
  // Docker's API is root on its host: over a network it needs TLS, unless the instructor says
  // in so many words that the network is trusted.
  .refine((spec) => !cleartextOverNetwork(spec.host) || spec.tls || spec.agent || spec.insecure, {
    path: ["tls"],
    message:
      "a tcp:// engine on another host needs tls or agent (its API gives root there); set insecure: true to send it in cleartext anyway",
  });

/** A tcp:// host other than this machine's loopback. */
function cleartextOverNetwork(host: string): boolean {
  if (!host.startsWith("tcp://")) return false;
  const name = new URL(host).hostname;
  return !(name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name));
}

export interface EngineSpec {
  name: string;
  host: string;
  tls?: { ca: string; cert: string; key: string };
  /** Reached through a socketlab agent: HTTPS checked against `ca`, the secret from `secretFile`. */
  agent?: { ca: string; secretFile: string };
  /** null: no limit. */
  capacity: { labs: number | null; memoryBytes: number | null };
  /** Drained from the start (an instructor's drain through the API outlives this). */
  drained: boolean;
  /** A tcp:// engine on another host accepted without TLS (`insecure: true`). */
  insecure?: true;
  /** An ssh:// engine's pinned host key, `TYPE BASE64`. */
  hostKey?: string;
}

/** The spec's fields checked; errors name the field (`engines.1.host: ...`). */
export class EngineSpecError extends Error {}

export function toEngineSpec(input: unknown, path = ""): EngineSpec {
  const parsed = engineSpecInput.safeParse(input);
  if (!parsed.success) {
    const where = (p: PropertyKey[]) => [path, ...p.map(String)].filter(Boolean).join(".");
    throw new EngineSpecError(
      parsed.error.issues.map((i) => `${where(i.path) || "engine"}: ${i.message}`).join("; "),
    );
  }
  const { name, host, tls, agent, capacity, drained, insecure, hostKey } = parsed.data;
  return {
    name,
    host,
    drained,
    ...(tls ? { tls } : {}),
    ...(agent ? { agent } : {}),
    ...(insecure ? { insecure } : {}),
    ...(hostKey ? { hostKey } : {}),
    capacity: {
      labs: capacity.labs ?? null,
      memoryBytes: capacity.memory === undefined ? null : parseMemory(capacity.memory),
    },
  };
}

/** The engines file: YAML (or JSON) `engines: [ {name, host, tls?, capacity?}, ... ]`. */
export function parseEnginesFile(text: string, file: string): EngineSpec[] {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new EngineSpecError(`${file}: not YAML: ${(error as Error).message}`);
  }
  const list = (document as { engines?: unknown } | null)?.engines;
  if (!Array.isArray(list) || list.length === 0) {
    throw new EngineSpecError(`${file}: engines: a list of at least one engine is required`);
  }
  const specs = list.map((entry, i) => {
    try {
      return toEngineSpec(entry, `engines.${i}`);
    } catch (error) {
      throw new EngineSpecError(`${file}: ${(error as Error).message}`);
    }
  });
  const names = specs.map((s) => s.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) throw new EngineSpecError(`${file}: engines: the name ${twice} is used twice`);
  return specs;
}

/** The engines file's text; EngineSpecError when it cannot be read. */
export function readEnginesText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new EngineSpecError(
      `${file}: cannot read the engines file (${(error as Error).message})`,
    );
  }
}

/**
 * Every connection field docker-modem reads, unset: it lays the options given over defaults taken
 * from DOCKER_HOST (and DOCKER_CERT_PATH), so a field left out would come from there and point a
 * pool engine at the DOCKER_HOST engine.
 */
const NO_CONNECTION: ConnectionOptions = {
  socketPath: undefined,
  host: undefined,
  port: undefined,
  protocol: undefined,
  username: undefined,
  ca: undefined,
  cert: undefined,
  key: undefined,
};

/** dockerode's connection options for the spec; TLS files are read here. */
export function dockerOptions(spec: EngineSpec): ConnectionOptions {
  // "local" is DOCKER_HOST or the local socket: docker-modem's defaults are that engine.
  if (spec.host === "local") return {};
  const url = new URL(spec.host);
  if (url.protocol === "unix:") return { ...NO_CONNECTION, socketPath: url.pathname };
  const port = url.port ? Number(url.port) : undefined;
  if (url.protocol === "ssh:") {
    return {
      ...NO_CONNECTION,
      protocol: "ssh",
      host: url.hostname,
      port,
      username: decodeURIComponent(url.username),
      // docker-modem fills the agent in only when DOCKER_HOST itself is ssh://.
      sshOptions: {
        agent: process.env.SSH_AUTH_SOCK,
        hostVerifier: pinnedHostKey(spec.hostKey as string),
      },
    };
  }
  const read = (field: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new EngineSpecError(
        `engine ${spec.name}: ${field}: cannot read ${file} (${(error as Error).message})`,
      );
    }
  };
  if (spec.agent) {
    return {
      ...NO_CONNECTION,
      protocol: "https",
      host: url.hostname,
      port,
      ca: read("agent.ca", spec.agent.ca),
      headers: {
        Authorization: `Bearer ${agentSecret({ name: spec.name, agent: spec.agent }, read)}`,
      },
    };
  }
  if (!spec.tls) return { ...NO_CONNECTION, protocol: "http", host: url.hostname, port };
  const tls = spec.tls;
  return {
    ...NO_CONNECTION,
    protocol: "https",
    host: url.hostname,
    port,
    ca: read("tls.ca", tls.ca),
    cert: read("tls.cert", tls.cert),
    key: read("tls.key", tls.key),
  };
}

/** The agent's secret from its file, read as the agent reads it. */
function agentSecret(
  spec: Pick<EngineSpec, "name"> & { agent: { secretFile: string } },
  read: (field: string, file: string) => Buffer,
): string {
  try {
    return secretFromFile(read("agent.secretFile", spec.agent.secretFile));
  } catch (error) {
    if (error instanceof EngineSpecError) throw error;
    throw new EngineSpecError(
      `engine ${spec.name}: agent.secretFile: ${spec.agent.secretFile}: ${(error as Error).message}`,
    );
  }
}

/**
 * ssh2's host verifier for a pinned key: the key the host offers (its raw blob) must be the
 * pinned one. ssh2 then ends the handshake with "Host denied (verification failed)".
 */
export function pinnedHostKey(hostKey: string): (offered: Buffer) => boolean {
  const pinned = Buffer.from(hostKey.split(" ")[1] as string, "base64");
  return (offered) => Buffer.isBuffer(offered) && offered.equals(pinned);
}

/** Where the engine answers, for lists and errors. */
export function describeHost(spec: EngineSpec): string {
  return spec.host === "local"
    ? (process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock")
    : spec.host;
}
