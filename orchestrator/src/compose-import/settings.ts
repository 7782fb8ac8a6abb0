// A compose service's settings as a node's: capabilities, sysctls, environment, start order, and
// the notes on what a topology has no use for.
import type { Path } from "../topology/diagnostics.ts";
import {
  isNamespacedSysctl,
  LAB_CAPABILITIES,
  normaliseCapability,
  SYSCTL_NAME,
} from "../topology/linux.ts";
import type { ComposeService } from "./compose.ts";
import type { Dockerfile } from "./dockerfile.ts";
import { at, type Findings, type Where } from "./findings.ts";
import type { NodeKind } from "./kinds.ts";

/** The capabilities SEED's `privileged` and `cap_add: ALL` are there for: sniffing and forging. */
const FORGING_CAPABILITIES = ["NET_ADMIN", "NET_RAW"];

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function describeBuild(file: string, dockerfile: Dockerfile, findings: Findings): void {
  const line = (n: number): Where => ({ file, line: n });
  for (const run of dockerfile.runs) {
    findings.note("check", line(run.line), `not run (nothing is built): ${run.text}`);
  }
  for (const ignored of dockerfile.ignored) {
    findings.note("dropped", line(ignored.line), `no counterpart in a topology: ${ignored.text}`);
  }
}

export function noteServiceFields(
  service: string,
  definition: ComposeService,
  findings: Findings,
): void {
  const here = (...rest: Path) => at("services", service, ...rest);
  if (definition.container_name !== undefined) {
    findings.note(
      "mapped",
      here("container_name"),
      `container ${definition.container_name}: each copy's node is reached by its node name, its terminal from the dashboard`,
    );
  }
  if (definition.hostname !== undefined)
    findings.note("dropped", here("hostname"), "a node's host name is its node name");
  if (definition.tty !== undefined)
    findings.note("dropped", here("tty"), "terminals come from the dashboard");
  if (definition.stdin_open !== undefined)
    findings.note("dropped", here("stdin_open"), "terminals come from the dashboard");
  if (definition.restart !== undefined)
    findings.note("dropped", here("restart"), "socketlab restarts nodes itself");
  if (definition.build !== undefined && definition.image !== undefined) {
    findings.note(
      "dropped",
      here("image"),
      `${definition.image} names the build's image: nothing is built, a socketlab image stands in`,
    );
  }
}

export function mapCapabilities(
  service: string,
  definition: ComposeService,
  kind: NodeKind,
  findings: Findings,
): string[] {
  const here = (...rest: Path) => at("services", service, ...rest);
  const capabilities = new Set<string>();
  const all = (definition.cap_add ?? []).findIndex((c) => c.toUpperCase() === "ALL");
  const byRole = kind.role === "attacker" || kind.role === "router";
  const wide: Where[] = [
    ...(definition.privileged ? [here("privileged")] : []),
    ...(all === -1 ? [] : [here("cap_add", all)]),
  ];
  for (const where of wide) {
    findings.note(
      "changed",
      where,
      byRole
        ? `the ${kind.role} role's own capabilities stand in for it (${FORGING_CAPABILITIES.join(" and ")}, in its own network namespace)`
        : `only ${FORGING_CAPABILITIES.join(" and ")} (sniffing and forging in its own network namespace): a lab node never gets the host's powers`,
    );
    if (!byRole) for (const c of FORGING_CAPABILITIES) capabilities.add(c);
  }
  for (const [index, written] of (definition.cap_add ?? []).entries()) {
    if (index === all) continue;
    const capability = normaliseCapability(written);
    if (capability === null)
      findings.error(here("cap_add", index), `unknown capability '${written}'`);
    else if (!LAB_CAPABILITIES.includes(capability))
      findings.note(
        "changed",
        here("cap_add", index),
        `${capability} left out: a lab node gets only ${LAB_CAPABILITIES.join(", ")} unless the operator allows more`,
      );
    else capabilities.add(capability);
  }
  return [...capabilities];
}

function keyValues(
  written: ComposeService["sysctls"] | ComposeService["environment"],
  base: Path,
): [string, string | null, Path][] {
  if (written === undefined) return [];
  if (Array.isArray(written)) {
    return written.map((entry, i) => {
      const equals = entry.indexOf("=");
      return equals === -1
        ? [entry, null, [...base, i]]
        : [entry.slice(0, equals).trim(), entry.slice(equals + 1).trim(), [...base, i]];
    });
  }
  return Object.entries(written).map(([key, value]) => [
    key,
    value === null ? null : String(value),
    [...base, key],
  ]);
}

export function mapSysctls(
  service: string,
  definition: ComposeService,
  findings: Findings,
): Record<string, string> {
  const sysctls: Record<string, string> = {};
  for (const [key, value, path] of keyValues(definition.sysctls, [
    "services",
    service,
    "sysctls",
  ])) {
    if (value === null) findings.error({ path }, `sysctl '${key}' has no value: write KEY=VALUE`);
    else if (!SYSCTL_NAME.test(key) || !isNamespacedSysctl(key)) {
      findings.error(
        { path },
        `sysctl '${key}' is not one a container may set (net.*, kernel.shm*, ...)`,
      );
    } else sysctls[key] = value;
  }
  return sysctls;
}

export function mapEnvironment(
  service: string,
  definition: ComposeService,
  dockerfile: Dockerfile | null,
  findings: Findings,
): Record<string, string> {
  const env: Record<string, string> = { ...dockerfile?.env };
  for (const [key, value, path] of keyValues(definition.environment, [
    "services",
    service,
    "environment",
  ])) {
    if (!ENV_NAME.test(key))
      findings.error({ path }, `'${key}' is not an environment variable name`);
    else if (value === null)
      findings.note(
        "dropped",
        { path },
        `${key} takes its value from the host's environment, which a lab does not see`,
      );
    else env[key] = value;
  }
  return env;
}

export function mapDependsOn(
  service: string,
  definition: ComposeService,
  nodeNames: ReadonlyMap<string, string>,
  findings: Findings,
): string[] {
  const written = definition.depends_on;
  if (written === undefined) return [];
  const names = Array.isArray(written) ? written : Object.keys(written);
  return names.flatMap((other, i) => {
    const node = nodeNames.get(other);
    if (node !== undefined) return [node];
    const path = Array.isArray(written)
      ? ["services", service, "depends_on", i]
      : ["services", service, "depends_on", other];
    findings.error({ path }, `unknown service '${other}'`);
    return [];
  });
}
