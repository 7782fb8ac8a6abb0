// What the hostile-student tests share: the service as a child process on loopback (its memory is
// then its own, as the kernel counts it), a class of students each with a lab of a small
// topology, a terminal client, and the probes that show nothing outside the attacker's lab was
// hurt: the service answers, its memory stays bounded, a bystander's terminal echoes.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { downLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { freePort, memory, Service } from "../../../support/service.ts";
import { hello, Terminal } from "../api/terminal-client.ts";
import { testEngine } from "../engine.ts";

/** Two nodes on one network; alpha has a check that passes. */
const topology = (name: string) => `name: ${name}
networks:
  front:
    subnet: 10.1.0.0/24
nodes:
  alpha:
    networks:
      front: .10
  beta:
    networks:
      front: .20
checks:
  - id: alive
    task: alpha answers
    node: alpha
    command: "sleep 1; echo alive"
    timeout: 10
`;

export interface Student {
  login: string;
  token: string;
  lab: string;
}

export interface Hostile {
  service: Service;
  engine: Engine;
  /** ws://127.0.0.1:PORT */
  ws: string;
  students: Student[];
  /** The service's data folder (its recordings are under `recordings/`). */
  dataDir: string;
  libraryDir: string;
  /** The service's settings. */
  env: Record<string, string>;
  dirs: string[];
}

/** The service with `env`, and `count` students each holding a lab. */
export async function hostileService(
  count: number,
  env: Record<string, string> = {},
): Promise<Hostile> {
  const engine = await testEngine();
  const run = randomBytes(2).toString("hex");
  const name = `it-hostile-${run}`;
  const dataDir = await mkdtemp(join(tmpdir(), "sl-hostile-data-"));
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-hostile-library-"));
  await mkdir(join(libraryDir, name));
  await writeFile(join(libraryDir, name, "topology.yaml"), topology(name));
  const port = await freePort();
  const service = new Service({ port, dataDir, libraryDir, env });
  const h: Hostile = {
    service,
    engine,
    ws: `ws://127.0.0.1:${port}`,
    students: [],
    dataDir,
    libraryDir,
    env,
    dirs: [dataDir, libraryDir],
  };
  try {
    await service.ready();
    const roster = Array.from({ length: count }, (_, i) => ({ name: `h${run}s${i}` }));
    const made = await service.json<{ students: { login: string; token: string }[] }>(
      "POST",
      "/api/classes",
      { name: `hostile ${run}`, students: roster },
    );
    // One at a time: the labs of a 2-core machine come up no faster together.
    for (const { login, token } of made.students) {
      const response = await as(h, token, "POST", "/api/labs", { topology: name });
      if (response.status !== 201) {
        throw new Error(`POST /api/labs: ${response.status} ${await response.text()}`);
      }
      h.students.push({ login, token, lab: ((await response.json()) as { lab: string }).lab });
    }
  } catch (error) {
    await stopHostile(h);
    throw error;
  }
  return h;
}

/** Takes the labs down, stops the service and removes its folders. */
export async function stopHostile(h: Hostile): Promise<void> {
  await h.service.stop();
  await Promise.all(h.students.map((s) => downLab(h.engine, s.lab)));
  await Promise.all(h.dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Stops the service and starts it again on the same port, data, library and settings. */
export async function restartService(h: Hostile): Promise<void> {
  await h.service.stop();
  h.service = new Service({
    port: Number(new URL(h.service.url).port),
    dataDir: h.dataDir,
    libraryDir: h.libraryDir,
    env: h.env,
    token: h.service.token,
  });
  await h.service.ready();
}

/** A request with a student's own token. */
export function as(
  h: Hostile,
  token: string,
  method: string,
  path: string,
  body?: object,
): Promise<Response> {
  return fetch(`${h.service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : null,
  });
}

/** A terminal on the student's node, signed in and ready. */
export async function terminal(h: Hostile, student: Student, node = "alpha"): Promise<Terminal> {
  const term = new Terminal(
    `${h.ws}/api/labs/${student.lab}/nodes/${node}/terminal`,
    hello(student.token),
  );
  await term.ready;
  return term;
}

/** The student's terminal runs a command and shows its output: their lab is unhurt. */
export async function echoes(h: Hostile, student: Student): Promise<void> {
  const term = await terminal(h, student);
  const marker = randomBytes(4).toString("hex");
  term.type(`echo ok-$((0x${marker}))\r`);
  await term.see(`ok-${Number.parseInt(marker, 16)}`, 60_000);
  await term.close();
}

/** The service's resident memory, sampled every 100 ms until `stop`, which gives the peak. */
export function watchMemory(h: Hostile): { baseline: number; stop(): number } {
  const baseline = memory(h.service.pid).rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, memory(h.service.pid).rss);
  }, 100);
  return {
    baseline,
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, memory(h.service.pid).rss);
    },
  };
}

/** Growth of the service's memory an attack may cause: far below what an unbounded buffer takes. */
export const MEMORY_GROWTH_LIMIT = 100 * 1024 * 1024;

/** The service answers its health route. */
export async function answers(h: Hostile): Promise<boolean> {
  return (await fetch(`${h.service.url}/api/health`)).ok;
}

/**
 * The service and `count` students for one test file: started before its test, stopped after.
 * The returned function gives it to the test.
 */
export function hostileSuite(count: number, env: Record<string, string> = {}): () => Hostile {
  let h: Hostile | undefined;
  beforeAll(async () => {
    h = await hostileService(count, env);
  });
  afterAll(async () => {
    if (h) await stopHostile(h);
  });
  return () => h as Hostile;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
