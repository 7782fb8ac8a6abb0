// Settings read from the environment, with defaults that suit one classroom machine.

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
 * The service's engines file (README: Engines): SOCKETLAB_ENGINES, a YAML file listing the pool
 * of Docker engines. Unset: one engine, DOCKER_HOST or the local socket.
 */
export function enginesFile(env = process.env): string | undefined {
  return env.SOCKETLAB_ENGINES?.trim() || undefined;
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
