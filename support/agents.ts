// socketlab agents in front of extra engines (extra-engines.ts), each a `socketlab agent` process
// in its engine's network namespace, as the stack runs one on every node's host: it listens on
// the node's addresses and relays to that engine's socket. Their certificate (from a CA made for
// the run) names every address given; the secret is made for the run. Needs root.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../orchestrator/src/paths.ts";
import { testCertificate } from "../orchestrator/tests/support/test-ca.ts";
import type { ExtraEngine } from "./extra-engines.ts";

export const AGENT_PORT = 2378;
const START_TIMEOUT_MS = 30_000;

export interface AgentFiles {
  /** The CA that signed the agents' certificate, and the secret, as an engines file names them. */
  caFile: string;
  secretFile: string;
  cert: string;
  key: string;
}

/** A CA, a certificate for `addresses` and a secret, written in `dir`. */
export function agentFiles(dir: string, addresses: string[]): AgentFiles {
  const { caFile } = testCertificate(dir, addresses);
  const secretFile = join(dir, "agent-secret");
  writeFileSync(secretFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  return { caFile, secretFile, cert: join(dir, "cert.pem"), key: join(dir, "key.pem") };
}

export interface TestAgent {
  /** Stops the agent (SIGTERM) and waits for it to end. */
  stop(): Promise<void>;
}

/** Starts an agent in `engine`'s namespace and waits until it listens. */
export async function startAgent(engine: ExtraEngine, files: AgentFiles): Promise<TestAgent> {
  const child: ChildProcess = spawn(
    "nsenter",
    [
      `--net=/run/netns/${engine.netns}`,
      process.execPath,
      join(REPO_ROOT, "orchestrator", "src", "cli", "main.ts"),
      "agent",
      "--port",
      String(AGENT_PORT),
      "--socket",
      engine.socket,
      "--cert",
      files.cert,
      "--key",
      files.key,
      "--secret-file",
      files.secretFile,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`agent on ${engine.name} did not start: ${output}`)),
      START_TIMEOUT_MS,
    );
    const seen = (chunk: Buffer) => {
      output = `${output}${chunk}`.slice(-4096);
      if (output.includes("agent: relaying")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`agent on ${engine.name} ended (${code}): ${output}`));
    });
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const ended = once(child, "exit");
    child.kill("SIGTERM");
    await ended;
  };
  try {
    await listening;
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

/** How the pool names an engine reached through the agent at `address`. */
export function agentHost(address: string): string {
  return `tcp://${address}:${AGENT_PORT}`;
}

/** An engines file whose swarm's manager, at `managerAddress`, and nodes are reached through their agents. */
export function swarmEnginesFile(managerAddress: string, files: AgentFiles): string {
  const agent = JSON.stringify({ ca: files.caFile, secretFile: files.secretFile });
  return `swarm:
  manager: { host: "${agentHost(managerAddress)}", agent: ${agent} }
  nodes: { host: "${agentHost("{addr}")}", agent: ${agent} }
`;
}
