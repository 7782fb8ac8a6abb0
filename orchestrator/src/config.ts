// Settings read from the environment, with defaults that suit one classroom machine. This is the
// only module that reads the environment: the others are given what they need.
import { isIP } from "node:net";

/**
 * Where lab subnets come from: SOCKETLAB_SUBNET_POOL, comma-separated CIDRs. The default, a /13
 * of 10.x, holds 2048 lab networks of /24 and stays clear of Docker's own default pools
 * (172.17.0.0/16 and up, 192.168.0.0/16).
 */
export function subnetPool(env = process.env): string[] {
  const value = env.SOCKETLAB_SUBNET_POOL?.trim();
  return value
    ? value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : ["10.200.0.0/13"];
}

/**
 * The service's engines file (docs/operator.md: Engines): SOCKETLAB_ENGINES, a YAML file listing the pool
 * of Docker engines. Unset: one engine, DOCKER_HOST or the local socket.
 */
export function enginesFile(env = process.env): string | undefined {
  return env.SOCKETLAB_ENGINES?.trim() || undefined;
}

/**
 * The agent's variables (SOCKETLAB_AGENT_PORT, ...: docs/operator.md, The agent), which
 * agent/settings.ts checks beside its flags.
 */
export function agentVariables(env = process.env): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name.startsWith(AGENT_PREFIX)));
}

/** What the agent's variables' names start with. */
export const AGENT_PREFIX = "SOCKETLAB_AGENT_";

/**
 * Capabilities the operator lets topologies ask for beyond the lab's own (NET_ADMIN, NET_RAW,
 * NET_BIND_SERVICE): SOCKETLAB_EXTRA_CAPABILITIES, comma-separated (`SYS_PTRACE,SYS_TIME`).
 * Whoever may upload a topology may then hand them to a lab node.
 */
export function extraCapabilities(env = process.env): string[] {
  return (env.SOCKETLAB_EXTRA_CAPABILITIES ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
}

const DURATION_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 24 * 3_600_000,
};

/** `90`, `90s`, `30m`, `8h`, `2d` -> ms; null when the text is no such duration. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * (DURATION_UNITS[match[2] || "s"] as number);
}

/** Sizes as Docker writes them: `256m`, `1.5g`, `512k` or a number of bytes. */
export const SIZE_PATTERN = /^[0-9]+(\.[0-9]+)?[kmg]?$/i;

const SIZE_UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A size (SIZE_PATTERN) in bytes, units binary as in Docker; null when the text is no size. */
export function parseSize(text: string): number | null {
  if (!SIZE_PATTERN.test(text)) return null;
  const unit = SIZE_UNITS[text.slice(-1).toLowerCase()] ?? 1;
  return Math.floor(Number.parseFloat(text) * unit);
}

// Labs per student, class and engine (classroom/quotas.ts applies them).
export interface Quotas {
  /** Labs one student may hold. */
  perStudent: number;
  /** Labs the students of one class may hold together; null: no limit. */
  perClass: number | null;
  /** Labs on each engine, whoever made them; beyond it new labs wait. null: no limit. */
  perEngine: number | null;
}

export const DEFAULT_QUOTAS: Quotas = { perStudent: 3, perClass: null, perEngine: null };

const QUOTA_ENV = {
  perStudent: "SOCKETLAB_LABS_PER_STUDENT",
  perClass: "SOCKETLAB_LABS_PER_CLASS",
  perEngine: "SOCKETLAB_LABS_PER_ENGINE",
} as const;

/** The quotas set in the environment (a whole number from 1; unset or empty: the default). */
export function quotasFromEnv(env = process.env): Quotas {
  const quotas = { ...DEFAULT_QUOTAS };
  for (const [key, name] of Object.entries(QUOTA_ENV) as [keyof Quotas, string][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`${name} must be a whole number from 1, not '${text}'`);
    }
    quotas[key] = value;
  }
  return quotas;
}

// A lab's lifetime in the service (classroom/lifetime.ts applies it).
export interface Lifetime {
  /** A new lab's time to live, ms; null: labs never expire. */
  ttl: number | null;
  /** The longest time to live staff may ask for, ms. */
  maxTtl: number;
  /** How long before its expiry a lab's status says it is expiring, ms. */
  warning: number;
  /** A lab with no activity for this long is stopped, ms; null: never. */
  idleStop: number | null;
}

const HOUR = 3_600_000;

export const DEFAULT_LIFETIME: Lifetime = {
  ttl: 8 * HOUR,
  maxTtl: 7 * 24 * HOUR,
  warning: 0.5 * HOUR,
  idleStop: 2 * HOUR,
};

const LIFETIME_ENV = {
  ttl: "SOCKETLAB_LAB_TTL",
  maxTtl: "SOCKETLAB_LAB_TTL_MAX",
  warning: "SOCKETLAB_LAB_TTL_WARNING",
  idleStop: "SOCKETLAB_IDLE_STOP",
} as const;

/** The lifetime set in the environment; unset or empty: the default; `0`: off (TTL, idle stop). */
export function lifetimeFromEnv(env = process.env): Lifetime {
  const lifetime = { ...DEFAULT_LIFETIME };
  for (const [key, name] of Object.entries(LIFETIME_ENV) as [keyof Lifetime, string][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const ms = parseDuration(text);
    if (ms === null) throw new Error(`${name} must be a duration such as 90s, 30m, 8h or 2d`);
    if (ms > 0 || key === "warning") lifetime[key] = ms;
    else if (key === "maxTtl") throw new Error(`${name} must be more than 0`);
    else lifetime[key] = null;
  }
  return lifetime;
}

/** The terminals' settings that the environment may set (terminals/registry.ts has the rest). */
export interface TerminalSettings {
  graceMs?: number;
  recordInput?: boolean;
  recordingDays?: number;
  /** Bytes of recordings per user and in all; null: no bound. */
  recordingQuota?: { perUserBytes?: number | null; totalBytes?: number | null };
  /** How fast a terminal's output may flow (terminals/output-budget.ts); null: no bound. */
  outputRate?: { bytesPerSecond: number; burstBytes: number } | null;
}

/**
 * A terminal output rate of `bytesPerSecond` with a burst of half a second's output: a screenful
 * passes at once at any useful rate.
 */
export function outputRateOf(bytesPerSecond: number): {
  bytesPerSecond: number;
  burstBytes: number;
} {
  return { bytesPerSecond, burstBytes: Math.max(1, Math.floor(bytesPerSecond / 2)) };
}

const RECORDING_QUOTA_ENV = {
  perUserBytes: "SOCKETLAB_RECORDINGS_PER_USER",
  totalBytes: "SOCKETLAB_RECORDINGS_TOTAL",
} as const;

/**
 * The terminals' settings from the environment: SOCKETLAB_TERMINAL_GRACE (a duration such as 90s
 * or 5m; 0 kills a shell as soon as its last viewer leaves), SOCKETLAB_RECORD_INPUT (true or
 * false), SOCKETLAB_RECORDING_DAYS (whole days; 0 keeps recordings forever), the recordings'
 * quotas SOCKETLAB_RECORDINGS_PER_USER and SOCKETLAB_RECORDINGS_TOTAL (sizes; 0: no bound), and
 * SOCKETLAB_TERMINAL_OUTPUT_RATE (a size a second; 0: no bound).
 */
export function terminalsFromEnv(env = process.env): TerminalSettings {
  const options: TerminalSettings = {};
  const grace = env.SOCKETLAB_TERMINAL_GRACE?.trim();
  if (grace) {
    const ms = parseDuration(grace);
    if (ms === null) {
      throw new Error("SOCKETLAB_TERMINAL_GRACE must be a duration such as 90s, 5m or 0");
    }
    options.graceMs = ms;
  }
  const recordInput = env.SOCKETLAB_RECORD_INPUT?.trim().toLowerCase();
  if (recordInput) {
    if (recordInput !== "true" && recordInput !== "false") {
      throw new Error("SOCKETLAB_RECORD_INPUT must be true or false");
    }
    options.recordInput = recordInput === "true";
  }
  const days = env.SOCKETLAB_RECORDING_DAYS?.trim();
  if (days) {
    if (!/^[0-9]+$/.test(days)) {
      throw new Error("SOCKETLAB_RECORDING_DAYS must be a whole number of days (0: forever)");
    }
    options.recordingDays = Number(days);
  }
  const rate = env.SOCKETLAB_TERMINAL_OUTPUT_RATE?.trim();
  if (rate) {
    const bytes = parseSize(rate);
    if (bytes === null) {
      throw new Error(
        "SOCKETLAB_TERMINAL_OUTPUT_RATE must be a size a second such as 512k or 2m (0: no bound)",
      );
    }
    options.outputRate = bytes === 0 ? null : outputRateOf(bytes);
  }
  for (const [key, name] of Object.entries(RECORDING_QUOTA_ENV) as [
    keyof typeof RECORDING_QUOTA_ENV,
    string,
  ][]) {
    const text = env[name]?.trim();
    if (!text) continue;
    const bytes = parseSize(text);
    if (bytes === null) throw new Error(`${name} must be a size such as 500m or 20g (0: no bound)`);
    options.recordingQuota = { ...options.recordingQuota, [key]: bytes === 0 ? null : bytes };
  }
  return options;
}

/** What each lab node may write to its own disk (classroom/disk-watch.ts) unless set. */
export const DEFAULT_NODE_DISK_BYTES = 2 * 1024 ** 3;

/**
 * What each lab node may write to its own disk, its writable layer: SOCKETLAB_NODE_DISK (a size;
 * 0: no limit, nothing measured).
 */
export function nodeDiskLimit(env = process.env): number | null {
  const text = env.SOCKETLAB_NODE_DISK?.trim();
  if (!text) return DEFAULT_NODE_DISK_BYTES;
  const bytes = parseSize(text);
  if (bytes === null)
    throw new Error("SOCKETLAB_NODE_DISK must be a size such as 500m or 2g (0: no limit)");
  return bytes === 0 ? null : bytes;
}

/**
 * The Debian archives an offline base image is bootstrapped from: SOCKETLAB_DEBIAN_MIRROR and
 * SOCKETLAB_DEBIAN_SECURITY_MIRROR (local mirrors), else Debian's own.
 */
export function debianMirrors(env = process.env): { main: string; security: string } {
  return {
    main: env.SOCKETLAB_DEBIAN_MIRROR ?? "http://deb.debian.org/debian",
    security: env.SOCKETLAB_DEBIAN_SECURITY_MIRROR ?? "http://deb.debian.org/debian-security",
  };
}

/** A token the instructor may sign in with: SOCKETLAB_INSTRUCTOR_TOKEN (classroom/bootstrap.ts). */
export function instructorToken(env = process.env): string | undefined {
  return env.SOCKETLAB_INSTRUCTOR_TOKEN?.trim() || undefined;
}

/** The built dashboard's folder: SOCKETLAB_DASHBOARD_DIR; undefined: the repository's build. */
export function dashboardDir(env = process.env): string | undefined {
  return env.SOCKETLAB_DASHBOARD_DIR?.trim() || undefined;
}

/**
 * The running service the CLI's admin commands talk to: SOCKETLAB_URL and SOCKETLAB_TOKEN, each
 * else from the config file (SOCKETLAB_CONFIG, else $XDG_CONFIG_HOME or ~/.config, then
 * socketlab/config.json; cli/service-client.ts reads it).
 */
export function serviceSettings(env = process.env): {
  url: string | undefined;
  token: string | undefined;
  configFile: string;
} {
  const configHome = env.XDG_CONFIG_HOME?.trim() || `${env.HOME ?? ""}/.config`;
  return {
    url: env.SOCKETLAB_URL?.trim() || undefined,
    token: env.SOCKETLAB_TOKEN?.trim() || undefined,
    configFile: env.SOCKETLAB_CONFIG?.trim() || `${configHome}/socketlab/config.json`,
  };
}

/** Whether the CLI prints the stack of an unexpected error: SOCKETLAB_DEBUG set. */
export function debugging(env = process.env): boolean {
  return Boolean(env.SOCKETLAB_DEBUG);
}

/** pino's levels, quietest last. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The service log's level: LOG_LEVEL, one of pino's levels; unset or empty: info. */
export function logLevel(env = process.env): LogLevel {
  const text = env.LOG_LEVEL?.trim().toLowerCase();
  if (!text) return "info";
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, not '${env.LOG_LEVEL}'`);
  }
  return text as LogLevel;
}

/**
 * Which peers' X-Forwarded-For the service believes (Fastify's trustProxy), so that behind a
 * reverse proxy the failed-token limit and the audit see the client's address rather than the
 * proxy's: SOCKETLAB_TRUST_PROXY, the proxies' addresses or CIDRs (comma-separated; `loopback`,
 * `linklocal` and `uniquelocal` name those ranges), or `true` (any peer: only when nothing but
 * the proxy can reach the service). Unset, empty or `false`: none.
 */
export function trustProxy(env = process.env): boolean | string[] {
  const text = env.SOCKETLAB_TRUST_PROXY?.trim();
  if (!text || text === "false") return false;
  if (text === "true") return true;
  const entries = text.split(",").map((entry) => entry.trim());
  const wrong = entries.find((entry) => !isProxyAddress(entry));
  if (wrong !== undefined) {
    throw new Error(
      `SOCKETLAB_TRUST_PROXY: '${wrong}' is no address, CIDR or range name; give the proxies' addresses (e.g. 127.0.0.1,10.0.0.0/8), true or false`,
    );
  }
  return entries;
}

const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The shortest metrics token accepted: a scraper's secret must not be guessable. */
export const METRICS_TOKEN_MIN_LENGTH = 32;

/**
 * The Prometheus endpoint's token: SOCKETLAB_METRICS_TOKEN. Set, /metrics is served to requests
 * bearing exactly this token (a scraper's own secret, which lets it read metrics and nothing
 * else); unset or empty, /metrics does not exist.
 */
export function metricsToken(env = process.env): string | undefined {
  const token = env.SOCKETLAB_METRICS_TOKEN?.trim();
  if (!token) return undefined;
  if (token.length < METRICS_TOKEN_MIN_LENGTH || /\s/.test(token)) {
    throw new Error(
      `SOCKETLAB_METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters with no spaces (e.g. openssl rand -hex 32)`,
    );
  }
  return token;
}
