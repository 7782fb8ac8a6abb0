// Attack: a topology asking for a capability that reaches past a node's namespaces to the host
// (SYS_ADMIN: mounts, cgroups; SYS_MODULE; DAC_READ_SEARCH: open_by_handle_at on the host's
// files; BPF). Whoever uploads it (an instructor trusting a file from elsewhere) or drops it into
// the library folder, no lab node gets it: the library refuses it where it is written, and a
// student asking for a lab of it gets none. The student's own running lab is untouched.
import { randomBytes } from "node:crypto";
import { access, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GUARD_CONTAINER } from "../../../orchestrator/src/runtime/host-guard.ts";
import { LAB_CAPABILITIES } from "../../../orchestrator/src/topology/linux.ts";
import { apiRequest } from "../../support/api.ts";
import { type ApiHarness, apiHarness, cleanUp, createLab, twoStudents } from "../api/app.ts";
import { docker } from "../engine.ts";

const run = randomBytes(2).toString("hex");
const topology = `it-caps-${run}`;
const escaping = `it-escape-${run}`;
let h: ApiHarness;
let student = "";
let lab = "";

const ESCAPE_YAML = `name: ${escaping}
networks:
  lan: { subnet: 10.9.0.0/24 }
nodes:
  box:
    networks: { lan: .2 }
    capabilities: [NET_RAW, SYS_ADMIN, CAP_SYS_MODULE, dac_read_search, BPF]
`;

/**
 * `container: capability` for every capability beyond the lab's own that a container on the
 * engine was given; the host guard (NET_ADMIN on the host's network) is the only one allowed more.
 */
async function beyondLabCapabilities(): Promise<string[]> {
  const found: string[] = [];
  for (const { Id } of await docker.listContainers({ all: true })) {
    const info = await docker.getContainer(Id).inspect();
    if (info.Name === `/${GUARD_CONTAINER}`) continue;
    for (const c of info.HostConfig.CapAdd ?? []) {
      if (!LAB_CAPABILITIES.includes(c.replace(/^CAP_/, ""))) found.push(`${info.Name}: ${c}`);
    }
  }
  return found;
}

beforeAll(async () => {
  h = await apiHarness(topology);
  [student] = await twoStudents(h, `caps${run}`);
  lab = await createLab(h, student);
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

describe("a topology asking for capabilities beyond the lab's own", () => {
  it("is refused on upload, each capability where it is written, and not written", async () => {
    const upload = await apiRequest(h.app, "POST", "/api/topologies", h.instructor, {
      name: escaping,
      yaml: ESCAPE_YAML,
    });
    expect(upload.statusCode).toBe(400);
    const allowed = LAB_CAPABILITIES.join(", ");
    const refusal = (at: string, index: number, capability: string) =>
      `${escaping}/topology.yaml:${at}: nodes.box.capabilities[${index}]: capability '${capability}' is not allowed in a lab node (allowed: ${allowed}); only the operator may allow more (SOCKETLAB_EXTRA_CAPABILITIES)`;
    const { diagnostics } = upload.json() as {
      diagnostics: { file: string; line: number; col: number; field: string; message: string }[];
    };
    expect(
      diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.field}: ${d.message}`),
    ).toEqual([
      refusal("7:29", 1, "SYS_ADMIN"),
      refusal("7:40", 2, "SYS_MODULE"),
      refusal("7:56", 3, "DAC_READ_SEARCH"),
      refusal("7:73", 4, "BPF"),
    ]);
    await expect(access(join(h.libraryDir, escaping))).rejects.toThrow();
    // A student may not upload at all.
    const byStudent = await apiRequest(h.app, "POST", "/api/topologies", student, {
      name: escaping,
      yaml: ESCAPE_YAML,
    });
    expect(byStudent.statusCode).toBe(403);
    expect(await beyondLabCapabilities()).toEqual([]);
  });

  it("gives a student no lab even when the file is put in the library folder by hand", async () => {
    await mkdir(join(h.libraryDir, escaping));
    await writeFile(join(h.libraryDir, escaping, "topology.yaml"), ESCAPE_YAML);
    const asked = await apiRequest(h.app, "POST", "/api/labs", student, { topology: escaping });
    expect(asked.statusCode).toBe(409);
    expect(asked.json()).toMatchObject({ error: "topology_invalid" });
    expect(await beyondLabCapabilities()).toEqual([]);
    const mine = await apiRequest(h.app, "GET", `/api/labs/${lab}`, student);
    expect(mine.statusCode).toBe(200);
    expect(mine.json().state).toBe("running");
  });
});
