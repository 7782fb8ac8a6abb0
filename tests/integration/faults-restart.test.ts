// The service killed with SIGKILL in the middle of a bulk spin-up, then started again on the same
// data folder: the job must be resumed to its end (or its students reported failed), every
// student's lab running or reported failed through the API, and no engine object of the class's
// labs left that the API does not list. The service runs as a real process (`socketlab serve`).
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { downLab } from "../../orchestrator/src/labs/lifecycle.ts";
import { LABELS } from "../../orchestrator/src/plan/types.ts";
import type { Engine } from "../../orchestrator/src/runtime/engine.ts";
import { newToken } from "../../orchestrator/src/store/users.ts";
import { freePort, Service } from "../../support/service.ts";
import { parseSse } from "../support/sse.ts";
import { docker, FIXTURES, hostGuardRules, testEngine } from "./engine.ts";

const STUDENTS = 6;
const run = randomBytes(2).toString("hex");
/** The library topology: the class's labs are `<topology>-<student>`. */
const topology = `it-rob-kill-${run}`;
const token = newToken();
let engine: Engine;
let workDir = "";
let service: Service | undefined;

/** `socketlab serve` on the test's data folder and library, signed in with the one token. */
async function startService(): Promise<Service> {
  const started = new Service({
    port: await freePort(),
    dataDir: join(workDir, "data"),
    libraryDir: join(workDir, "lib"),
    token,
  });
  await started.ready();
  return started;
}

/** Every container, network and volume of the class's labs, by lab: `kind name`. */
async function classObjects(): Promise<Map<string, string[]>> {
  const filters = JSON.stringify({ label: [LABELS.managed] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const objects = new Map<string, string[]>();
  const add = (labels: Record<string, string> | undefined, what: string) => {
    const lab = labels?.[LABELS.lab];
    if (!lab?.startsWith(`${topology}-`)) return;
    objects.set(lab, [...(objects.get(lab) ?? []), what]);
  };
  for (const c of containers) add(c.Labels, `container ${c.Names[0]}`);
  for (const n of networks) add(n.Labels, `network ${n.Name}`);
  for (const v of volumes.Volumes ?? []) add(v.Labels ?? undefined, `volume ${v.Name}`);
  return objects;
}

/** The networks of the fixture these tests bring up. */
const FIXTURE_NETWORKS = ["front", "back"];

async function downClassLabs(): Promise<void> {
  for (const lab of (await classObjects()).keys()) await downLab(engine, lab);
}

beforeAll(async () => {
  engine = await testEngine();
  workDir = await mkdtemp(join(tmpdir(), "sl-it-rob-kill-"));
  const yaml = await readFile(join(FIXTURES, "three-nodes.yaml"), "utf8");
  await mkdir(join(workDir, "lib", topology), { recursive: true });
  await writeFile(
    join(workDir, "lib", topology, "topology.yaml"),
    yaml.replace(/^name: three-nodes$/m, `name: ${topology}`),
  );
});

afterAll(async () => {
  await service?.stop();
  if (engine) await downClassLabs();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface JobItem {
  student: string;
  state: "queued" | "started" | "ready" | "failed";
  lab: string | null;
  error: string | null;
}

it("resumes a bulk spin-up killed twice, every lab running or reported failed, no orphan", async () => {
  service = await startService();
  const students = Array.from({ length: STUDENTS }, (_, i) => ({ name: `K${i}`, id: `k${i}` }));
  const cls = await service.json<{ id: string }>("POST", "/api/classes", {
    name: `it-rob kill ${run}`,
    students,
  });
  const job = await service.json<{ id: string }>("POST", `/api/classes/${cls.id}/labs`, {
    topology,
    concurrency: 3,
  });

  // Killed first while the first labs are being created: as soon as the engine holds one of
  // their containers.
  for (;;) {
    const objects = await classObjects();
    if ([...objects.values()].some((what) => what.some((w) => w.startsWith("container")))) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await service.kill();
  expect((await classObjects()).size).toBeGreaterThan(0);

  // Killed again once the resumed job has brought a lab up, with others still to come.
  service = await startService();
  for (;;) {
    const { items } = await service.json<{ items: JobItem[] }>("GET", `/api/jobs/${job.id}`);
    const ready = items.filter((i) => i.state === "ready").length;
    if (ready > 0 && ready < STUDENTS) break;
    expect(ready).toBeLessThan(STUDENTS);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await service.kill();

  service = await startService();
  // The stream replays the job from its start and ends after the summary.
  const events = parseSse(await (await service.call("GET", `/api/jobs/${job.id}/events`)).text());
  const summary = events.at(-1);
  expect(summary?.event).toBe("summary");
  const after = await service.json<{ state: string; items: JobItem[] }>(
    "GET",
    `/api/jobs/${job.id}`,
  );
  expect(after.state).toBe("finished");
  expect(after.items.map((i) => i.student).sort()).toEqual(students.map((s) => s.id).sort());

  const labs = await service.json<{ lab: string; owner: string; state: string }[]>(
    "GET",
    "/api/labs",
  );
  const ours = labs.filter((l) => l.lab.startsWith(`${topology}-`));
  for (const item of after.items) {
    const lab = ours.find((l) => l.owner === item.student);
    if (item.state === "ready") {
      expect({ student: item.student, lab: lab?.lab, state: lab?.state }).toEqual({
        student: item.student,
        lab: item.lab,
        state: "running",
      });
    } else {
      // Reported failed, with a message.
      expect({ student: item.student, state: item.state, error: typeof item.error }).toEqual({
        student: item.student,
        state: "failed",
        error: "string",
      });
    }
  }
  expect(summary?.data).toMatchObject({ total: STUDENTS });

  // Every engine object of the class's labs belongs to a lab the API lists.
  const listed = new Set(ours.map((l) => l.lab));
  const orphans = [...(await classObjects())].filter(([lab]) => !listed.has(lab));
  expect(orphans).toEqual([]);
  // ... and so does every host rule of one of the students' possible lab ids.
  const unlisted = students.map((s) => `${topology}-${s.id}`).filter((lab) => !listed.has(lab));
  expect(await hostGuardRules(engine, unlisted, FIXTURE_NETWORKS)).toEqual([]);
});
