// The service on the real engine, with a temporary library holding a fixture (three-nodes unless
// told) under a name of its own (so that its labs' ids start with `it-`) and an in-memory database.
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, type AppOptions, buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import { downLab } from "../../../orchestrator/src/labs/lifecycle.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { bearer } from "../../support/api.ts";
import { FIXTURES, testEngine } from "../engine.ts";

export interface ApiHarness {
  app: App;
  engine: Engine;
  instructor: string;
  /** The library topology's name. */
  topology: string;
  libraryDir: string;
}

export async function apiHarness(
  topology: string,
  options: Pick<
    AppOptions,
    "quotas" | "lifetime" | "now" | "sweepEveryMs" | "terminals" | "metrics"
  > = {},
  fixture = "three-nodes",
): Promise<ApiHarness> {
  const engine = await testEngine();
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-it-library-"));
  const yaml = await readFile(join(FIXTURES, `${fixture}.yaml`), "utf8");
  await mkdir(join(libraryDir, topology));
  await writeFile(
    join(libraryDir, topology, "topology.yaml"),
    yaml.replace(new RegExp(`^name: ${fixture}$`, "m"), `name: ${topology}`),
  );
  const app = await buildApp({ engine, dataDir: ":memory:", libraryDir, ...options });
  const instructor = ensureInstructor(app.db) as string;
  return { app, engine, instructor, topology, libraryDir };
}

/** Takes down every lab of the topology the harness created, whatever the tests left. */
export async function cleanUp(h: ApiHarness): Promise<void> {
  const rows = h.app.db.prepare("SELECT target FROM audit WHERE action = 'lab.create'").all() as {
    target: string;
  }[];
  await Promise.all([...new Set(rows.map((r) => r.target))].map((lab) => downLab(h.engine, lab)));
  await h.app.close();
}

/** Creates a lab of the harness's topology as `token`'s user; its id, or an error with the answer. */
export async function createLab(h: ApiHarness, token: string): Promise<string> {
  const response = await h.app.inject({
    method: "POST",
    url: "/api/labs",
    headers: bearer(token),
    payload: { topology: h.topology },
  });
  if (response.statusCode !== 201) {
    throw new Error(`POST /api/labs answered ${response.statusCode}: ${response.body}`);
  }
  return (response.json() as { lab: string }).lab;
}

/** The tokens of two students of a new class `name`: a lab's owner, and someone who may not see it. */
export async function twoStudents(h: ApiHarness, name: string): Promise<[string, string]> {
  const made = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: { name, students: [{ name: `${name}-1` }, { name: `${name}-2` }] },
  });
  if (made.statusCode !== 201)
    throw new Error(`POST /api/classes: ${made.statusCode} ${made.body}`);
  const { students } = made.json() as { students: { token: string }[] };
  return [students[0]?.token as string, students[1]?.token as string];
}
