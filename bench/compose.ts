// docker-compose files generated from socketlab's own plan of a lab, so that a benchmark compares
// socketlab with docker-compose (v1) creating the same containers: same image, command, init,
// addresses, subnets (internal bridges with the same options), capabilities, sysctls, limits,
// host entries and environment. The differences:
// - socketlab waits for every node to be ready and sets the host-guard rules of each bridge;
//   compose's `up -d` does neither (it has no readiness to wait for without health checks).
// - compose cannot inject files without bind mounts, so its command writes them first; the
//   benchmark labs keep their files tiny, so this costs next to nothing either way.
import { randomBytes } from "node:crypto";
import { dirname } from "node:path";
import { stringify } from "yaml";
import { subnetPool } from "../orchestrator/src/config.ts";
import { planLab } from "../orchestrator/src/plan/plan.ts";
import type { LabPlan, NodePlan } from "../orchestrator/src/plan/types.ts";
import { labValues } from "../orchestrator/src/plan/values.ts";
import type { Engine } from "../orchestrator/src/runtime/engine.ts";
import { engineSubnets } from "../orchestrator/src/runtime/inventory.ts";
import type { Topology } from "../orchestrator/src/topology/model.ts";
import { run } from "./run.ts";

export const COMPOSE_NOTE =
  "socketlab's time includes waiting for every node to be ready and the host-guard rules; " +
  "compose's `up -d` waits for neither.";

/**
 * docker-compose's version; when it is missing, says how to install it and exits 1, rather than
 * install packages itself (a benchmark should not change the machine it measures).
 */
export async function requireCompose(): Promise<string> {
  const version = await run("docker-compose", ["version", "--short"]).catch(() => null);
  if (version === null) {
    process.stderr.write(
      "docker-compose (v1) is needed: install it with `apt-get install docker-compose`\n",
    );
    process.exit(1);
  }
  return version.trim();
}

/** `docker-compose` arguments for the project of `lab`, described by `file`. */
export const composeProject = (lab: string, file: string) => ["-p", lab, "-f", file];

/**
 * Plans lab `lab` now, around every subnet the engine has at this moment, as `socketlab up`
 * would: plan again before each `up` when other labs may have claimed subnets since.
 */
export async function planAroundEngine(
  engine: Engine,
  topology: Topology,
  lab: string,
): Promise<LabPlan> {
  const taken = (await engineSubnets(engine)).map((s) => s.subnet);
  const result = planLab(topology, {
    lab,
    owner: "bench",
    pool: subnetPool(),
    taken,
    existing: {},
    values: labValues(topology.values, {}, randomBytes),
  });
  if (!result.ok) throw new Error(`planning lab ${lab}: ${result.error}`);
  return result.plan;
}

/** The compose file of a planned lab, in compose's v2.4 terms; no line folding, for reading. */
export function composeYaml(plan: LabPlan): string {
  return stringify(composeFile(plan), { lineWidth: 0 });
}

function composeFile(plan: LabPlan): object {
  const services = plan.nodes.map((node) => [
    node.name,
    {
      image: node.image,
      container_name: node.containerName,
      hostname: node.hostname,
      command: commandWritingFiles(node),
      init: true,
      restart: "unless-stopped",
      environment: node.env,
      extra_hosts: node.extraHosts,
      cap_add: node.capabilities,
      sysctls: node.sysctls,
      mem_limit: node.limits.memoryBytes,
      memswap_limit: node.limits.memoryBytes,
      cpus: node.limits.nanoCpus / 1e9,
      pids_limit: node.limits.pids,
      networks: Object.fromEntries(
        node.endpoints.map((e) => [e.network, { ipv4_address: e.address }]),
      ),
    },
  ]);
  const networks = plan.networks.map((network) => [
    network.name,
    {
      name: network.dockerName,
      driver: "bridge",
      internal: true,
      driver_opts: {
        "com.docker.network.bridge.name": network.bridgeName,
        "com.docker.network.bridge.enable_ip_masquerade": "false",
      },
      ipam: { driver: "default", config: [{ subnet: network.subnet, gateway: network.gateway }] },
    },
  ]);
  // Compose substitutes `$VAR` in every value; `$$` is its literal `$`.
  return escapeDollars({
    version: "2.4",
    services: Object.fromEntries(services),
    networks: Object.fromEntries(networks),
  });
}

/** The node's command (`/bin/sh -c SCRIPT`, see plan/container.ts) with its files written first. */
function commandWritingFiles(node: NodePlan): string[] {
  const [shell, flag, script] = node.command;
  const writes = node.files.map((f) => {
    const path = shellQuote(f.path);
    return `mkdir -p ${shellQuote(dirname(f.path))} && echo ${f.contentBase64} | base64 -d >${path} && chmod ${f.mode.toString(8)} ${path}`;
  });
  return [shell as string, flag as string, [...writes, script].join("\n")];
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function escapeDollars(value: unknown): object {
  const walk = (v: unknown): unknown => {
    // A function: in a replacement string, "$$" itself stands for one "$".
    if (typeof v === "string") return v.replaceAll("$", () => "$$");
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    }
    return v;
  };
  return walk(value) as object;
}
