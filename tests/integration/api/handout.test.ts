// A lab's handout with the lab's own addresses, through the API and the CLI, on the real engine:
// the addresses in it are those the lab's status reports, and only who may see the lab gets it.
import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "../engine.ts";
import { type ApiHarness, apiHarness, bearer, cleanUp, createLab, twoStudents } from "./app.ts";

const HANDOUT = [
  "# Three nodes",
  "",
  "`front` is 10.1.0.0/24 and `back` 10.2.0.0/24: [alpha](node:alpha) is 10.1.0.10, gamma",
  "10.2.0.30. `ping -c1 10.2.0.20` on [beta](node:beta).",
  "",
  "## Tasks",
  "",
  "1. **Ping.** From alpha, ping 10.1.0.20. [Check my work](check:)",
  "",
].join("\n");

let h: ApiHarness;
const run = randomBytes(2).toString("hex");
let student = "";
let other = "";
let lab = "";

beforeAll(async () => {
  h = await apiHarness(`it-handout-${run}`);
  await writeFile(join(h.libraryDir, h.topology, "README.md"), HANDOUT);
  [student, other] = await twoStudents(h, `h${run}`);
  lab = await createLab(h, student);
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

const handout = (token: string) =>
  h.app.inject({ method: "GET", url: `/api/labs/${lab}/handout`, headers: bearer(token) });

describe("a lab's handout", () => {
  it("has the addresses the lab's status reports, with its subnets at the top", async () => {
    const status = (
      await h.app.inject({ method: "GET", url: `/api/labs/${lab}`, headers: bearer(student) })
    ).json() as {
      networks: { name: string; subnet: string }[];
      nodes: { name: string; addresses: Record<string, string> }[];
    };
    const subnet = (name: string) => status.networks.find((n) => n.name === name)?.subnet;
    const address = (node: string, network: string) =>
      status.nodes.find((n) => n.name === node)?.addresses[network];
    const response = await handout(student);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ lab, topology: h.topology });
    expect(body.networks).toEqual([
      { network: "front", handoutSubnet: "10.1.0.0/24", labSubnet: subnet("front") },
      { network: "back", handoutSubnet: "10.2.0.0/24", labSubnet: subnet("back") },
    ]);
    const text = body.markdown as string;
    expect(text).toContain(`| front | 10.1.0.0/24 | ${subnet("front")} |`);
    expect(text).toContain(`\`front\` is ${subnet("front")} and \`back\` ${subnet("back")}`);
    expect(text).toContain(`is ${address("alpha", "front")}, gamma\n${address("gamma", "back")}.`);
    expect(text).toContain(`\`ping -c1 ${address("beta", "back")}\``);
    expect(text).toContain(`ping ${address("beta", "front")}.`);
    expect(body.tasks).toEqual([{ number: 1, title: "Ping", checks: [] }]);
  });

  it("is refused to whoever may not see the lab", async () => {
    expect((await handout(other)).statusCode).toBe(404);
    const anonymous = await h.app.inject({ method: "GET", url: `/api/labs/${lab}/handout` });
    expect(anonymous.statusCode).toBe(401);
  });

  it("is the same text on the CLI, links as commands", async () => {
    const result = await cli(["handout", lab, "--library", h.libraryDir]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const api = (await handout(student)).json().markdown as string;
    expect(result.stdout).toBe(
      `${api
        .replace("[alpha](node:alpha)", `alpha (\`socketlab exec ${lab} alpha\`)`)
        .replace("[beta](node:beta)", `beta (\`socketlab exec ${lab} beta\`)`)
        .replace("[Check my work](check:)", `Check my work (\`socketlab check ${lab}\`)`)}`,
    );
  });

  it("comes with the last run of the lab's checks, kept for whoever may see the lab", async () => {
    const last = (token: string) =>
      h.app.inject({ method: "GET", url: `/api/labs/${lab}/checks/last`, headers: bearer(token) });
    expect((await last(student)).json()).toEqual({ ranAt: null, results: [] });
    const ran = await h.app.inject({
      method: "GET",
      url: `/api/labs/${lab}/checks`,
      headers: bearer(student),
    });
    expect(ran.statusCode).toBe(200);
    const kept = (await last(student)).json();
    expect(kept.results).toEqual(ran.json());
    expect(Number.isNaN(Date.parse(kept.ranAt))).toBe(false);
    expect((await last(other)).statusCode).toBe(404);
  });

  it("is null for a topology without one, and the CLI says so", async () => {
    await rm(join(h.libraryDir, h.topology, "README.md"));
    const response = await handout(student);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ markdown: null, tasks: [] });
    const result = await cli(["handout", lab, "--library", h.libraryDir]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain("has no handout");
  });
});
