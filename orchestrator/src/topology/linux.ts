// What a topology may ask of the Linux kernel for a container: capabilities and sysctls.

/** Every Linux capability (capability.h up to CAP_CHECKPOINT_RESTORE), without `CAP_`. */
export const LINUX_CAPABILITIES: ReadonlySet<string> = new Set([
  "CHOWN",
  "DAC_OVERRIDE",
  "DAC_READ_SEARCH",
  "FOWNER",
  "FSETID",
  "KILL",
  "SETGID",
  "SETUID",
  "SETPCAP",
  "LINUX_IMMUTABLE",
  "NET_BIND_SERVICE",
  "NET_BROADCAST",
  "NET_ADMIN",
  "NET_RAW",
  "IPC_LOCK",
  "IPC_OWNER",
  "SYS_MODULE",
  "SYS_RAWIO",
  "SYS_CHROOT",
  "SYS_PTRACE",
  "SYS_PACCT",
  "SYS_ADMIN",
  "SYS_BOOT",
  "SYS_NICE",
  "SYS_RESOURCE",
  "SYS_TIME",
  "SYS_TTY_CONFIG",
  "MKNOD",
  "LEASE",
  "AUDIT_WRITE",
  "AUDIT_CONTROL",
  "SETFCAP",
  "MAC_OVERRIDE",
  "MAC_ADMIN",
  "SYSLOG",
  "WAKE_ALARM",
  "BLOCK_SUSPEND",
  "AUDIT_READ",
  "PERFMON",
  "BPF",
  "CHECKPOINT_RESTORE",
]);

/**
 * What a lab node may be given without the operator's say: raw sockets, its own network
 * namespace's interfaces, routes and filters, and low ports. Anything more (SYS_ADMIN, SYS_MODULE,
 * DAC_READ_SEARCH, BPF...) reaches past the node's namespaces to the host.
 */
export const LAB_CAPABILITIES: readonly string[] = ["NET_ADMIN", "NET_RAW", "NET_BIND_SERVICE"];

/**
 * The capabilities a topology may ask for: LAB_CAPABILITIES and the operator's `extra` (written
 * as `normaliseCapability` takes them). Throws on a name that is no capability.
 */
export function allowedCapabilities(extra: readonly string[]): ReadonlySet<string> {
  const allowed = new Set(LAB_CAPABILITIES);
  for (const name of extra) {
    const capability = normaliseCapability(name);
    if (capability === null) throw new Error(`unknown capability '${name}'`);
    allowed.add(capability);
  }
  return allowed;
}

/** `net_admin`, `NET_ADMIN` and `CAP_NET_ADMIN` all become `NET_ADMIN`; null if no such capability. */
export function normaliseCapability(name: string): string | null {
  const upper = name.toUpperCase();
  const bare = upper.startsWith("CAP_") ? upper.slice("CAP_".length) : upper;
  return LINUX_CAPABILITIES.has(bare) ? bare : null;
}

/**
 * A sysctl's name: dot-separated words of letters, digits, '_' and '-' (an interface's name may
 * hold '-'). It becomes a path under /proc/sys, so nothing else may pass: no '/', '..' or space.
 */
export const SYSCTL_NAME = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$/;

/**
 * Whether Docker lets a container set this sysctl: only those the kernel keeps per network or IPC
 * namespace, since any other would change the host for every container on it.
 */
export function isNamespacedSysctl(key: string): boolean {
  return (
    key.startsWith("net.") ||
    key.startsWith("fs.mqueue.") ||
    key.startsWith("kernel.shm") ||
    key.startsWith("kernel.msg") ||
    key === "kernel.sem"
  );
}
