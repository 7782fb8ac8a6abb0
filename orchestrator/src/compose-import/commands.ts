// A SEED service's command (`bash -c "ip route del default && ip route add default via 10.9.0.11
// && /start.sh"`) as socketlab start commands and routes. SEED commands are `&&` chains of simple
// steps: each is recognised on its own, kept as written, or dropped with the reason why.
import { formatCidr, parseAddress, parseCidr } from "../net/ipv4.ts";

export interface CommandContext {
  /** The networks the node is on. */
  networks: ReadonlySet<string>;
  /** Every network of the lab with its handout subnet (`10.9.0.0/24`), in order. */
  subnets: ReadonlyMap<string, string>;
  /** Which node holds each handout address. */
  owners: ReadonlyMap<string, string>;
  /** Files the node's build copies in, by their path in the node. */
  copied: ReadonlySet<string>;
}

export interface Route {
  to: string;
  via: string;
}

export type StepOutcome =
  | { kind: "start"; command: string; note?: string }
  | { kind: "routes"; routes: Route[]; note: string }
  | { kind: "dropped"; note: string }
  /** Kept, but the instructor must look at it. */
  | { kind: "check"; command: string; note: string };

export interface TranslatedStep {
  written: string;
  outcome: StepOutcome;
}

/** The script a compose command runs: `bash -c "X"`, `["sh", "-c", "X"]` and plain X are all X. */
export function script(command: string | readonly string[]): string {
  if (typeof command !== "string") {
    const [shell, flag, body] = command;
    if (command.length === 3 && isShell(shell) && flag === "-c") return body ?? "";
    return command.join(" ");
  }
  const match = /^\s*(\S+)\s+-c\s+(["'])([\s\S]*)\2\s*$/.exec(command);
  if (match !== null && isShell(match[1])) return match[3] ?? "";
  return command;
}

function isShell(word: string | undefined): boolean {
  return /^(\/bin\/|\/usr\/bin\/)?(ba)?sh$/.test(word ?? "");
}

/** The steps of a script: split at `&&`, `;`, `&` and line breaks, outside quotes. */
export function steps(text: string): string[] {
  const found: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      current += c;
    } else if (c === "\n" || c === ";" || (c === "&" && text[i + 1] === "&")) {
      if (c === "&") i++;
      found.push(current);
      current = "";
    } else if (c === "&" && text[i - 1] !== ">" && text[i + 1] !== ">") {
      // `daemon &` ends a step that runs in the background, and stays one.
      found.push(`${current} &`);
      current = "";
    } else {
      current += c;
    }
  }
  found.push(current);
  return found.map((s) => s.trim().replace(/\s+/g, " ")).filter((s) => s !== "");
}

const KEEP_ALIVE = /^(tail -f \/dev\/null|sleep (infinity|inf)|(\/bin\/)?(ba)?sh|wait)$/;
const START_BIND = /^(service (named|bind9) (re)?start|\/etc\/init\.d\/(named|bind9) (re)?start)$/;
/** Where SEED's images, and some builds, keep the script their containers start with. */
export const BUILD_START_SCRIPT = "/start.sh";
/** How the dns image's bind runs: IPv4 only, as lab networks are, as user bind. */
export const NAMED_START = "named -4 -u bind";
const HANDOUT_ADDRESS = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/;

export function translate(command: string | readonly string[], context: CommandContext) {
  return steps(script(command)).map(
    (written): TranslatedStep => ({ written, outcome: translateStep(written, context) }),
  );
}

function translateStep(step: string, context: CommandContext): StepOutcome {
  if (KEEP_ALIVE.test(step)) {
    return { kind: "dropped", note: "keeps the container alive: socketlab keeps nodes running" };
  }
  if (step === BUILD_START_SCRIPT || step === `bash ${BUILD_START_SCRIPT}`) {
    return context.copied.has(BUILD_START_SCRIPT)
      ? {
          kind: "check",
          command: `${BUILD_START_SCRIPT} >/dev/null 2>&1 &`,
          note: "the build's own start script runs in the background (a start command must return); check what it starts",
        }
      : { kind: "dropped", note: "SEED's image start script: socketlab starts its nodes itself" };
  }
  if (START_BIND.test(step)) {
    return { kind: "start", command: NAMED_START, note: "bind9 started directly (IPv4 only)" };
  }
  if (/^ip route (del|delete) default\b/.test(step)) {
    return {
      kind: "dropped",
      note: "lab networks have no way out; routes to the lab's networks come from routes:",
    };
  }
  const route = /^ip route (add|replace) (\S+) via (\S+)(\s+dev \S+)?$/.exec(step);
  if (route !== null) return routeStep(route[2] as string, route[3] as string, context);
  if (/\bMASQUERADE\b/.test(step)) {
    return { kind: "dropped", note: "NAT to the Internet: a lab has no Internet" };
  }
  if (HANDOUT_ADDRESS.test(step)) {
    return {
      kind: "check",
      command: step,
      note: "names a handout address, but each copy of the lab has its own subnets: use the node's name instead",
    };
  }
  return { kind: "start", command: step };
}

function routeStep(target: string, gateway: string, context: CommandContext): StepOutcome {
  const via = context.owners.get(gateway);
  if (via === undefined || parseAddress(gateway) === null) {
    return { kind: "dropped", note: `${gateway} is no node's address: the route cannot be kept` };
  }
  if (target === "default") {
    const routes = [...context.subnets.keys()]
      .filter((network) => !context.networks.has(network))
      .map((network) => ({ to: network, via }));
    return routes.length === 0
      ? { kind: "dropped", note: "the node is on every lab network: a default route adds nothing" }
      : {
          kind: "routes",
          routes,
          note: `the default route via ${via} reaches the lab's other networks`,
        };
  }
  const parsed = parseCidr(target);
  if (!parsed.ok) return { kind: "dropped", note: `'${target}' is not a subnet: ${parsed.reason}` };
  const written = formatCidr(parsed.cidr);
  const network = [...context.subnets].find(([, subnet]) => subnet === written)?.[0];
  return network === undefined
    ? { kind: "routes", routes: [{ to: written, via }], note: `route to ${written} via ${via}` }
    : {
        kind: "routes",
        routes: [{ to: network, via }],
        note: `route to network ${network} via ${via}`,
      };
}
