// A student's lab on a given engine (the extra engines' tests): the service in this process with
// its database in memory and no sweeps of its own, a class of one student, and the lab made through
// the API with that student's token, as they would make it.
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { type App, buildApp } from "../../../orchestrator/src/api/app.ts";
import { ensureInstructor } from "../../../orchestrator/src/classroom/bootstrap.ts";
import type { Engine } from "../../../orchestrator/src/runtime/engine.ts";
import { apiRequest } from "../../support/api.ts";

export interface StudentLab {
  app: App;
  /** The student's token. */
  student: string;
  lab: string;
}

/** The lab of `yaml` (its topology named `topology`) for a new student on `engine`. */
export async function studentLab(
  engine: Engine,
  topology: string,
  yaml: string,
): Promise<StudentLab> {
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-it-library-"));
  await mkdir(join(libraryDir, topology));
  await writeFile(join(libraryDir, topology, "topology.yaml"), yaml);
  const app = await buildApp({ engine, dataDir: ":memory:", libraryDir, sweepEveryMs: 0 });
  const instructor = ensureInstructor(app.db) as string;
  const made = await apiRequest(app, "POST", "/api/classes", instructor, {
    name: topology,
    students: [{ name: `${topology}-student` }],
  });
  const student = (made.json() as { students: { token: string }[] }).students[0]?.token as string;
  const created = await apiRequest(app, "POST", "/api/labs", student, { topology });
  expect(created.statusCode, created.body).toBe(201);
  return { app, student, lab: (created.json() as { lab: string }).lab };
}
