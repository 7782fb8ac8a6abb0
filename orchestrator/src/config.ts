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
