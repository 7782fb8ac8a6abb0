// The router role: forwards between its networks, optionally hides one side behind NAT, and
// impairs what leaves chosen interfaces (delay, jitter, loss, rate) for the game-networking labs.
//
// Impairments use netem where the kernel has it. Where it does not (netem is a kernel option some
// kernels leave out), the router's start script falls back to pieces every kernel here has, so
// that a lab behaves the same everywhere:
// - rate: a TBF qdisc on the interface;
// - loss: an iptables rule dropping packets at random (statistic match) in mangle POSTROUTING;
// - delay and jitter: socketlab-delay (images/router), a small Python program reading an
//   NFQUEUE, holds each packet for the delay before letting it go on.
// All act on what leaves the interface toward that network, as netem on its root qdisc does.
//
// The delay queues packets BEFORE connection tracking sees them (raw table, and an nftables rule
// at a priority before it that marks the packets whose route leaves through the interface: the
// `fib` lookup). Queued later, the first packet of a flow would hold an unconfirmed conntrack
// entry for the whole delay, and the kernel drops the flow's next packets that arrive meanwhile
// when they are let go (their own entries clash with it): a ping every 20 ms lost 4 packets.
// The script tries netem first and takes the fallback only on "Specified qdisc kind is unknown".
import { z } from "zod";
import { textFile } from "./files.ts";
import { type ConfigProblem, defineRole, type InstanceView } from "./types.ts";

const DURATION = /^([0-9]+(?:\.[0-9]+)?)(us|ms|s)$/;
const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000 };
const RATE = /^([0-9]+(?:\.[0-9]+)?)(bit|kbit|mbit|gbit)$/;
const BITS_PER_UNIT: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };

/** `100ms`, `1.5s`, `500us`, as milliseconds. */
const duration = z
  .string()
  .regex(DURATION, "write a duration like 100ms, 1.5s or 500us")
  .transform((text) => {
    const [, value, unit] = DURATION.exec(text) as RegExpExecArray;
    return Number(value) * (MS_PER_UNIT[unit as string] ?? 1);
  });

/** `1%`, `0.5%`, as a percentage. */
const percent = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)?%$/, "write a percentage like 1% or 0.5%")
  .transform((text) => Number(text.slice(0, -1)))
  .refine((value) => value <= 100, "a loss cannot exceed 100%");

/** `1mbit`, `500kbit`, as bits per second (tc's units: kbit is 1000 bits). */
const rate = z
  .string()
  .regex(RATE, "write a rate like 1mbit, 500kbit or 1gbit")
  .transform((text) => {
    const [, value, unit] = RATE.exec(text) as RegExpExecArray;
    return Math.round(Number(value) * (BITS_PER_UNIT[unit as string] ?? 1));
  })
  .refine((bits) => bits >= 8000, "a rate below 8kbit would not pass one packet a second");

const impairment = z
  .strictObject({
    delay: duration.optional(),
    jitter: duration.optional(),
    loss: percent.optional(),
    rate: rate.optional(),
  })
  .refine((i) => Object.keys(i).length > 0, "give at least one of delay, jitter, loss, rate")
  .refine((i) => i.jitter === undefined || i.delay !== undefined, {
    message: "jitter varies a delay: give a delay too",
    path: ["jitter"],
  });

const routerConfig = z.strictObject({
  nat: z
    .string()
    .optional()
    .describe(
      "The network whose side sees every forwarded packet come from the router (masquerade).",
    ),
  impair: z
    .record(z.string(), impairment)
    .default({})
    .describe("Per network: what leaves the router's interface on it."),
});

export type RouterConfig = z.infer<typeof routerConfig>;
export type Impairment = z.infer<typeof impairment>;

/**
 * What a netem qdisc does with `impairment`: jitter is uniform in [delay - jitter, delay +
 * jitter] (netem's default without a distribution), which the fallback reproduces.
 */
export function netemCommand(impairment: Impairment): string {
  const { delay, jitter, loss, rate: bits } = impairment;
  const parts = ['tc qdisc replace dev "$dev" root netem'];
  if (delay !== undefined) parts.push(`delay ${delay}ms${jitter ? ` ${jitter}ms` : ""}`);
  if (loss !== undefined) parts.push(`loss ${loss}%`);
  if (bits !== undefined) parts.push(`rate ${bits}bit`);
  return parts.join(" ");
}

/** netem's default queue (1000 packets) in full-size Ethernet frames: the same buffering. */
const QUEUE_BYTES = 1000 * 1514;

/** Bits of the packet mark that carry the delayer's queue number (see delayRules). */
const MARK_SHIFT = 16;
const MARK_MASK = 0xff << MARK_SHIFT;

const hex = (value: number) => `0x${value.toString(16).padStart(8, "0")}`;

/**
 * The same without netem. The delayer's queue number `queue` (1 to 255) must be unique on the
 * router. The rate applies after the delay and the loss, as in netem: both act before the qdisc.
 */
export function fallbackCommands(impairment: Impairment, queue: number): string[] {
  const { delay, jitter = 0, loss, rate: bits } = impairment;
  const commands: string[] = [];
  if (bits !== undefined) {
    // A bucket of at least two full frames, or 10 ms at the rate: TBF drops larger packets.
    const burst = Math.max(2 * 1514, Math.ceil(bits / 8 / 100));
    commands.push(
      `tc qdisc replace dev "$dev" root tbf rate ${bits}bit burst ${burst} limit ${QUEUE_BYTES}`,
    );
  }
  if (loss !== undefined) {
    commands.push(
      `iptables -t mangle -A POSTROUTING -o "$dev" -m statistic --mode random --probability ${loss / 100} -j DROP`,
    );
  }
  if (delay !== undefined) {
    // The delayer returns once its queue is bound: only then may rules send packets there.
    commands.push(
      `socketlab-delay --queue ${queue} --delay-ms ${delay} --jitter-ms ${jitter}`,
      ...delayRules(queue),
    );
  }
  return commands;
}

/**
 * Sends what leaves through "$dev" to NFQUEUE `queue` before conntrack: forwarded packets are
 * marked by route lookup (nftables `fib`, at priority -350, before raw's -300 and conntrack's
 * -200; iptables has no such match) and queued by mark; the router's own are queued by their
 * output interface, already known in OUTPUT. Packets to the router itself stay out.
 */
function delayRules(queue: number): string[] {
  const mark = hex(queue << MARK_SHIFT);
  const keep = hex(~MARK_MASK >>> 0);
  return [
    "nft add table ip socketlab",
    "nft add chain ip socketlab prerouting '{ type filter hook prerouting priority -350; }'",
    `nft add rule ip socketlab prerouting fib daddr type != local fib daddr oif "$dev" meta mark set meta mark and ${keep} or ${mark}`,
    `iptables -t raw -A PREROUTING -m mark --mark ${mark}/${hex(MARK_MASK)} -j NFQUEUE --queue-num ${queue}`,
    `iptables -t raw -A OUTPUT -o "$dev" -j NFQUEUE --queue-num ${queue}`,
  ];
}

/** `delay 100ms, jitter 5ms, loss 1%, rate 1000000bit`, for the script's comments and log. */
function describe(impairment: Impairment): string {
  const parts: string[] = [];
  if (impairment.delay !== undefined) parts.push(`delay ${impairment.delay}ms`);
  if (impairment.jitter !== undefined) parts.push(`jitter ${impairment.jitter}ms`);
  if (impairment.loss !== undefined) parts.push(`loss ${impairment.loss}%`);
  if (impairment.rate !== undefined) parts.push(`rate ${impairment.rate}bit`);
  return parts.join(", ");
}

/** One network's impairment: netem if the kernel has it, else the fallback. */
function impairBlock(network: string, address: string, impairment: Impairment, queue: number) {
  const fallback = fallbackCommands(impairment, queue).map((c) => `  ${c}`);
  return [
    `# ${network}: ${describe(impairment)} on what leaves toward it`,
    `dev=$(iface_of ${address})`,
    `if out=$(${netemCommand(impairment)} 2>&1); then`,
    `  echo "router: netem on $dev (${network}): ${describe(impairment)}"`,
    "else",
    '  case "$out" in',
    '    *"qdisc kind is unknown"*) ;;',
    '    *) echo "router: $out" >&2; exit 1 ;;',
    "  esac",
    `  echo "router: no netem in this kernel; user-space fallback on $dev (${network}): ${describe(impairment)}"`,
    ...fallback,
    "fi",
  ];
}

const SCRIPT_HEAD = [
  "#!/bin/sh",
  "# The router's set-up, generated by socketlab (roles/router.ts). Forwarding itself is the",
  "# sysctl net.ipv4.ip_forward=1 that Docker sets on the container.",
  "set -eu",
  "",
  "# The interface holding an address: Docker names interfaces in the order it attached them,",
  "# which is not the topology's order, so networks are found by the router's address on them.",
  "iface_of() {",
  '  found=$(ip -o -4 addr show | awk -v a="$1" \'{ split($4, p, "/"); if (p[1] == a) { print $2; exit } }\')',
  '  [ -n "$found" ] || { echo "router: no interface holds $1" >&2; exit 1; }',
  '  echo "$found"',
  "}",
];

/** The router's start script for one lab instance. */
export function routerScript(
  config: RouterConfig,
  routerName: string,
  instance: InstanceView,
): string {
  const addressOn = (network: string) => {
    const address = instance.addressOf(routerName, network);
    // The loader checked that the router is on every network its config names.
    if (address === undefined) throw new Error(`router ${routerName} is not on '${network}'`);
    return address;
  };
  const lines = [...SCRIPT_HEAD];
  if (config.nat !== undefined) {
    lines.push(
      "",
      `# NAT: what leaves toward ${config.nat} carries the router's address there.`,
      `dev=$(iface_of ${addressOn(config.nat)})`,
      'iptables -t nat -A POSTROUTING -o "$dev" -j MASQUERADE',
    );
  }
  Object.entries(config.impair).forEach(([network, impairment], index) => {
    lines.push("", ...impairBlock(network, addressOn(network), impairment, index + 1));
  });
  return `${lines.join("\n")}\n`;
}

export const SCRIPT_PATH = "/etc/socketlab/router.sh";

export const router = defineRole<RouterConfig>({
  name: "router",
  imageFolder: "router",
  summary: "forwards between its networks; optional NAT and per-interface delay, loss and rate",
  config: routerConfig,
  check(config, node) {
    const onNetwork = new Set(node.attachments.map((a) => a.network));
    const problems: ConfigProblem[] = [];
    const notOn = (network: string) =>
      `router ${node.name} is not on network '${network}' (it is on ${[...onNetwork].join(", ")})`;
    if (config.nat !== undefined && !onNetwork.has(config.nat)) {
      problems.push({ path: ["nat"], message: notOn(config.nat) });
    }
    for (const network of Object.keys(config.impair)) {
      if (!onNetwork.has(network))
        problems.push({ path: ["impair", network], message: notOn(network) });
    }
    return problems;
  },
  configure(config, node, instance) {
    return {
      files: [textFile(SCRIPT_PATH, routerScript(config, node.name, instance), 0o755)],
      start: [SCRIPT_PATH],
      // NET_ADMIN for tc, iptables and nft: they act on the router's own network namespace only.
      capabilities: ["NET_ADMIN", "NET_RAW"],
      sysctls: { "net.ipv4.ip_forward": "1" },
    };
  },
});
