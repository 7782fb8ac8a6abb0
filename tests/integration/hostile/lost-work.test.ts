// Attack on a student's own work: after the service rebuilds an image, resetting ONE node,
// resuming, or asking for the lab again (POST /api/labs) must not recreate the student's other
// nodes (their files would be gone). Those nodes are shown outdated instead, and only a reset of
// the whole lab renews them. A rebuild is simulated with a test-only tag moved from one image to
// another (the shared socketlab/* tags are never moved). Another student's lab is untouched.
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiRequest } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp, twoStudents } from "../api/app.ts";
import { docker, labObjects, sh } from "../engine.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-work-${run}`;
const TAG = `socketlab-it/rebuilt-${run}`;
const IMAGE = `${TAG}:latest`;
let h: ApiHarness;
let student = "";
let other = "";
let lab = "";
let otherLab = "";

const YAML = `name: ${topology}
networks:
  lan: { subnet: 10.9.0.0/24 }
nodes:
  a: { image: ${IMAGE}, networks: { lan: .2 } }
  b: { image: ${IMAGE}, networks: { lan: .3 } }
`;

const call = (method: "GET" | "POST", url: string, token: string, payload?: object) =>
  apiRequest(h.app, method, url, token, payload);

/** Points the test's tag at another image, as a rebuild of it would. */
async function retag(from: string): Promise<string> {
  await docker.getImage(from).tag({ repo: TAG, tag: "latest" });
  return (await docker.getImage(IMAGE).inspect()).Id;
}

async function outdated(id: string, token: string): Promise<Record<string, boolean>> {
  const response = await call("GET", `/api/labs/${id}`, token);
  expect(response.statusCode).toBe(200);
  const { nodes } = response.json() as { nodes: { name: string; outdated: boolean }[] };
  return Object.fromEntries(nodes.map((n) => [n.name, n.outdated]));
}

/** The work the student keeps in b. */
const readWork = async () => (await sh(h.engine, lab, "b", "cat /home/student/work.txt")).stdout;

const containerIds = async (id: string) =>
  (await labObjects(h.engine, id)).containers.map((c) => c.Id).sort();

beforeAll(async () => {
  await retag("socketlab/client:latest");
  h = await apiHarness(`it-work-unused-${run}`);
  await mkdir(join(h.libraryDir, topology));
  await writeFile(join(h.libraryDir, topology, "topology.yaml"), YAML);
  [student, other] = await twoStudents(h, `work${run}`);
  const made = await Promise.all(
    [student, other].map((token) => call("POST", "/api/labs", token, { topology })),
  );
  for (const response of made) expect(response.statusCode, response.body).toBe(201);
  [lab, otherLab] = made.map((r) => (r.json() as { lab: string }).lab) as [string, string];
});

afterAll(async () => {
  if (h) await cleanUp(h);
  await docker
    .getImage(IMAGE)
    .remove()
    .catch(() => {});
});

describe("a student's files after an image is rebuilt", () => {
  it("survive a reset of another node, a stop and resume, and asking for the lab again", async () => {
    const written = await sh(
      h.engine,
      lab,
      "b",
      "echo my-work > /home/student/work.txt && cat /home/student/work.txt",
    );
    expect(written.stdout).toBe("my-work\n");
    const othersBefore = await containerIds(otherLab);
    expect(await outdated(lab, student)).toEqual({ a: false, b: false });

    const rebuilt = await retag("socketlab/base:latest");
    expect(await outdated(lab, student)).toEqual({ a: true, b: true });

    const reset = await call("POST", `/api/labs/${lab}/reset`, student, { nodes: ["a"] });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await readWork()).toBe("my-work\n");
    expect(await outdated(lab, student)).toEqual({ a: false, b: true });
    const a = (await labObjects(h.engine, lab)).containers.find((c) => c.Names[0]?.endsWith("_a"));
    expect(a?.ImageID).toBe(rebuilt);

    expect((await call("POST", `/api/labs/${lab}/stop`, student)).statusCode).toBe(200);
    const resumed = await call("POST", `/api/labs/${lab}/resume`, student);
    expect(resumed.statusCode, resumed.body).toBe(200);
    expect(resumed.json().state).toBe("running");
    expect(await readWork()).toBe("my-work\n");

    const again = await call("POST", "/api/labs", student, { topology });
    expect(again.statusCode, again.body).toBe(200);
    expect(await readWork()).toBe("my-work\n");
    expect(await outdated(lab, student)).toEqual({ a: false, b: true });

    // Nothing of another student's lab moved: same containers, still running, shown outdated.
    expect(await containerIds(otherLab)).toEqual(othersBefore);
    const theirs = await call("GET", `/api/labs/${otherLab}`, other);
    expect(theirs.json().state).toBe("running");
    expect(await outdated(otherLab, other)).toEqual({ a: true, b: true });
  });

  it("are renewed by a reset of the whole lab, which puts every node on the new build", async () => {
    const reset = await call("POST", `/api/labs/${lab}/reset`, student, {});
    expect(reset.statusCode, reset.body).toBe(200);
    expect(await outdated(lab, student)).toEqual({ a: false, b: false });
    const work = await sh(h.engine, lab, "b", "cat /home/student/work.txt");
    expect(work.exitCode).not.toBe(0);
  });
});
