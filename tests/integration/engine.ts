// Shared set-up for the integration tests: the real engine, lab ids unique to this run, and a
// way to run the CLI as a separate process.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import Docker from "dockerode";
import { REPO_ROOT } from "../../orchestrator/src/paths.ts";
import { bridgeName } from "../../orchestrator/src/plan/naming.ts";
import { LABELS } from "../../orchestrator/src/plan/types.ts";
import { loadTopologyFile } from "../../orchestrator/src/roles/load.ts";
import { connectEngine, type Engine } from "../../orchestrator/src/runtime/engine.ts";
import { execCapture } from "../../orchestrator/src/runtime/exec.ts";
import { GUARD_CONTAINER } from "../../orchestrator/src/runtime/host-guard.ts";
import { ensureImages } from "../../orchestrator/src/runtime/images/build.ts";
import { labInventory } from "../../orchestrator/src/runtime/inventory.ts";
import type { Topology } from "../../orchestrator/src/topology/model.ts";

export const FIXTURES = join(REPO_ROOT, "tests", "fixtures");

/**
 * The default engine through Docker's own client: for what the tests look at beyond what
 * socketlab asks of an engine (host configs, mounts, stats, processes, every object) and for what
 * they do behind socketlab's back.
 */
export const docker = new Docker();

export async function testEngine(): Promise<Engine> {
  const engine = await connectEngine();
  await ensureImages(engine, { log: () => {}, quiet: true });
  return engine;
}

/** A lab id no other run or test uses. */
export function uniqueLabId(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString("hex")}`;
}

export async function fixture(name: string): Promise<Topology> {
  const result = await loadTopologyFile(join(FIXTURES, name));
  if (!result.ok)
    throw new Error(`fixture ${name} does not load: ${JSON.stringify(result.diagnostics)}`);
  return result.topology;
}

/** The id of a lab node's container. */
export async function nodeContainerId(engine: Engine, lab: string, node: string): Promise<string> {
  const inventory = await labInventory(engine, lab);
  const container = inventory.containers.find((c) => c.name === node);
  if (!container) throw new Error(`lab ${lab} has no container for ${node}`);
  return container.id;
}

/** Runs a shell command on a lab node, for up to `timeoutMs` (an attack runs longer than a look). */
export async function sh(
  engine: Engine,
  lab: string,
  node: string,
  script: string,
  timeoutMs = 30_000,
) {
  const container = await nodeContainerId(engine, lab, node);
  return execCapture(engine, container, ["/bin/sh", "-c", script], { timeoutMs });
}

/** The host guard's rules (INPUT, DOCKER-USER and Docker's isolation chain) that name a bridge of `networks` of `labs`. */
export async function hostGuardRules(
  engine: Engine,
  labs: string[],
  networks: string[],
): Promise<string[]> {
  const bridges = labs.flatMap((lab) => networks.map((network) => bridgeName(lab, network)));
  const lines: string[] = [];
  for (const chain of ["INPUT", "DOCKER-USER", "DOCKER-ISOLATION-STAGE-1"]) {
    const result = await execCapture(engine, GUARD_CONTAINER, ["iptables", "-w", "-S", chain]);
    if (result.exitCode !== 0) throw new Error(`iptables -S ${chain}: ${result.stderr}`);
    lines.push(...result.stdout.split("\n"));
  }
  return lines.filter((line) => bridges.some((bridge) => line.includes(bridge)));
}

/** Every container, network and volume on the engine that belongs to `lab`. */
export async function labObjects(engine: Engine, lab: string) {
  const labels = [`${LABELS.lab}=${lab}`];
  const [containers, networks, volumes] = await Promise.all([
    engine.containers.list({ all: true, labels }),
    engine.networks.list({ labels }),
    engine.volumes.list({ labels }),
  ]);
  return { containers, networks, volumes };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI in a fresh process, as a user runs it; `underTerminal` runs it under script(1), which
 * gives it a pseudo-terminal as a user's shell would; `env` adds to (or overrides) this
 * process's environment.
 */
export function cli(
  args: string[],
  { underTerminal = false, env = {} as Record<string, string> } = {},
): Promise<CliResult> {
  const command = [process.execPath, join(REPO_ROOT, "orchestrator/src/cli/main.ts"), ...args];
  return new Promise((resolve, reject) => {
    const [file, ...rest] = underTerminal
      ? ["script", "-qec", command.map(shellQuote).join(" "), "/dev/null"]
      : command;
    const child = spawn(file as string, rest, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
