// The agent's settings: flags first, then the agent's variables (a Swarm service sets
// those), each checked with an error naming the flag and the variable.
import { readFileSync } from "node:fs";
import { AGENT_PREFIX } from "../config.ts";
import { secretFromFile } from "./auth.ts";

export interface AgentSettings {
  /** Address and port the agent listens on. */
  host: string;
  port: number;
  /** The engine's socket it relays to. */
  socket: string;
  /** Its TLS certificate and key (PEM). */
  cert: Buffer;
  key: Buffer;
  /** The secret every request must carry. */
  secret: string;
  /** Connections served at once; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

/** A setting's name as a flag; its variable is the same in capitals after AGENT_PREFIX. */
export const AGENT_SETTINGS = {
  host: "host",
  port: "port",
  socket: "socket",
  cert: "cert",
  key: "key",
  secretFile: "secret-file",
  maxConnections: "max-connections",
} as const;

export type AgentSettingName = keyof typeof AGENT_SETTINGS;

export class AgentSettingsError extends Error {}

/** The variable that stands for a flag. */
export function agentVariable(name: AgentSettingName): string {
  return `${AGENT_PREFIX}${AGENT_SETTINGS[name].toUpperCase().replaceAll("-", "_")}`;
}

/**
 * The settings from `flags` (parsed command-line values) and `env`; files are read with `read`.
 * Throws AgentSettingsError naming every setting that is missing or wrong.
 */
export function agentSettings(
  flags: Partial<Record<AgentSettingName, string>>,
  env: Record<string, string | undefined>,
  read: (file: string) => Buffer = (file) => readFileSync(file),
): AgentSettings {
  const problems: string[] = [];
  const label = (name: AgentSettingName) => `--${AGENT_SETTINGS[name]} (${agentVariable(name)})`;
  const value = (name: AgentSettingName, fallback?: string) =>
    flags[name] ?? env[agentVariable(name)] ?? fallback;
  const file = (name: AgentSettingName): Buffer => {
    const path = value(name);
    if (path === undefined || path === "") {
      problems.push(`${label(name)}: a file is required`);
      return Buffer.alloc(0);
    }
    try {
      return read(path);
    } catch (error) {
      problems.push(`${label(name)}: cannot read ${path} (${(error as Error).message})`);
      return Buffer.alloc(0);
    }
  };
  const whole = (name: AgentSettingName, fallback: string, min: number, max: number): number => {
    const text = value(name, fallback) as string;
    const number = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
    if (!(number >= min && number <= max)) {
      problems.push(`${label(name)}: a whole number from ${min} to ${max}, not "${text}"`);
    }
    return number;
  };

  const host = value("host", "0.0.0.0") as string;
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) problems.push(`${label("host")}: not an address: "${host}"`);
  const port = whole("port", "2378", 1, 65535);
  const socket = value("socket", "/var/run/docker.sock") as string;
  if (!socket.startsWith("/"))
    problems.push(`${label("socket")}: an absolute path, not "${socket}"`);
  const maxConnections = whole("maxConnections", "64", 1, 4096);
  const cert = file("cert");
  const key = file("key");
  const secretBytes = file("secretFile");
  let secret = "";
  if (secretBytes.length > 0) {
    try {
      secret = secretFromFile(secretBytes);
    } catch (error) {
      problems.push(`${label("secretFile")}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new AgentSettingsError(problems.join("\n"));
  return { host, port, socket, cert, key, secret, maxConnections };
}
