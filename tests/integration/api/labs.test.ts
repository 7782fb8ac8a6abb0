// The lab lifecycle through the API on the real engine, and who may do what to whose lab:
// student A's lab against student B, a TA of A's class, a TA and a student of another class,
// no token and a bad token, on every lab route; and captures of a lab network.
import { randomBytes } from "node:crypto";
import { get, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkBridge } from "../../../orchestrator/src/labs/capture.ts";
import { execCapture } from "../../../orchestrator/src/runtime/exec.ts";
import { GUARD_CONTAINER } from "../../../orchestrator/src/runtime/host-guard.ts";
import { apiRequest, bearer, type Method } from "../../support/api.ts";
import { sh } from "../engine.ts";
import { type ApiHarness, apiHarness, cleanUp } from "./app.ts";
import { LINKTYPE_ETHERNET, PCAP_MAGIC, PcapReader } from "./pcap.ts";

let h: ApiHarness;
const run = randomBytes(2).toString("hex");
const topology = `it-api-${run}`;
const tokens: Record<string, string> = {};
let labA = "";

interface Issued {
  login: string;
  token: string;
}

async function makeClass(name: string, ids: string[]) {
  const response = await h.app.inject({
    method: "POST",
    url: "/api/classes",
    headers: bearer(h.instructor),
    payload: { name, students: ids.map((id) => ({ name: id, id })), tas: [`${name}-ta`] },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { id: string; students: Issued[]; tas: Issued[] };
}

const call = (method: Method, url: string, token?: string, payload?: object) =>
  apiRequest(h.app, method, url, token, payload);

beforeAll(async () => {
  h = await apiHarness(topology);
  const a = await makeClass(`a${run}`, [`a1-${run}`, `a2-${run}`]);
  const b = await makeClass(`b${run}`, [`b1-${run}`]);
  tokens.studentA = a.students[0]?.token as string;
  tokens.studentA2 = a.students[1]?.token as string;
  tokens.taA = a.tas[0]?.token as string;
  tokens.studentB = b.students[0]?.token as string;
  tokens.taB = b.tas[0]?.token as string;
  tokens.instructor = h.instructor;
  tokens.bad = `slt_${"0".repeat(16)}_${"A".repeat(43)}`;
});

afterAll(async () => {
  if (h) await cleanUp(h);
});

describe("a student's lab through the API", () => {
  it("is created by its student, once: asking again converges the same lab", async () => {
    const first = await call("POST", "/api/labs", tokens.studentA, { topology });
    expect(first.statusCode).toBe(201);
    const status = first.json();
    labA = status.lab;
    expect(labA).toBe(`${topology}-a1-${run}`);
    expect(status).toMatchObject({ owner: `a1-${run}`, topology, state: "running" });
    expect(status.nodes.map((n: { name: string }) => n.name).sort()).toEqual([
      "alpha",
      "beta",
      "gamma",
    ]);
    const again = await call("POST", "/api/labs", tokens.studentA, { topology });
    expect(again.statusCode).toBe(200);
    expect(again.json().lab).toBe(labA);
  });

  it("shows every node's state and addresses, as `socketlab status --json`", async () => {
    const response = await call("GET", `/api/labs/${labA}`, tokens.studentA);
    expect(response.statusCode).toBe(200);
    const beta = response.json().nodes.find((n: { name: string }) => n.name === "beta");
    expect(beta.state).toBe("running");
    expect(beta.addresses.front).toMatch(/\.20$/);
    expect(beta.addresses.back).toMatch(/\.20$/);
  });

  it("is seen by its student, their class's TA and the instructor, by no one else", async () => {
    const expected: Record<string, number> = {
      studentA: 200,
      taA: 200,
      instructor: 200,
      studentA2: 404,
      studentB: 404,
      taB: 404,
      bad: 401,
    };
    for (const [who, code] of Object.entries(expected)) {
      const response = await call("GET", `/api/labs/${labA}`, tokens[who]);
      expect({ who, code: response.statusCode }).toEqual({ who, code });
    }
    expect((await call("GET", `/api/labs/${labA}`)).statusCode).toBe(401);
    // The refusal is the same as for a lab that does not exist: nothing leaks.
    const foreign = await call("GET", `/api/labs/${labA}`, tokens.studentB);
    const missing = await call("GET", `/api/labs/no-such-lab-${run}`, tokens.studentB);
    expect(foreign.json()).toEqual({ ...missing.json(), message: `lab ${labA} not found` });
    for (const [who, visible] of [
      ["studentA", true],
      ["taA", true],
      ["studentA2", false],
      ["studentB", false],
      ["taB", false],
    ] as const) {
      const list = (await call("GET", "/api/labs", tokens[who])).json() as { lab: string }[];
      expect({ who, visible: list.some((l) => l.lab === labA) }).toEqual({ who, visible });
    }
  });

  it("cannot be reset or destroyed by anyone who cannot see it", async () => {
    for (const who of ["studentA2", "studentB", "taB"]) {
      const reset = await call("POST", `/api/labs/${labA}/reset`, tokens[who], { nodes: ["beta"] });
      expect({ who, code: reset.statusCode }).toEqual({ who, code: 404 });
      const destroy = await call("DELETE", `/api/labs/${labA}`, tokens[who]);
      expect({ who, code: destroy.statusCode }).toEqual({ who, code: 404 });
    }
    for (const token of [undefined, tokens.bad]) {
      expect((await call("POST", `/api/labs/${labA}/reset`, token, {})).statusCode).toBe(401);
      expect((await call("DELETE", `/api/labs/${labA}`, token)).statusCode).toBe(401);
    }
    expect((await call("GET", `/api/labs/${labA}`, tokens.studentA)).json().state).toBe("running");
  });

  it("is captured by its student, their class's TA and the instructor, by no one else", async () => {
    const url = `/api/labs/${labA}/networks/front/capture?seconds=1`;
    const expected: Record<string, number> = {
      studentA: 200,
      taA: 200,
      instructor: 200,
      studentA2: 404,
      studentB: 404,
      taB: 404,
      bad: 401,
    };
    for (const [who, code] of Object.entries(expected)) {
      const response = await call("GET", url, tokens[who]);
      expect({ who, code: response.statusCode }).toEqual({ who, code });
      if (code !== 200) continue;
      expect(response.headers["content-type"]).toBe("application/vnd.tcpdump.pcap");
      expect(response.headers["content-disposition"]).toMatch(
        new RegExp(`^attachment; filename="${labA}-front-[0-9TZ-]+\\.pcap"$`),
      );
      const pcap = new PcapReader();
      pcap.push(response.rawPayload);
      expect({ magic: pcap.magic, link: pcap.linkType, leftover: pcap.leftover }).toEqual({
        magic: PCAP_MAGIC,
        link: LINKTYPE_ETHERNET,
        leftover: 0,
      });
    }
    expect((await call("GET", url)).statusCode).toBe(401);
    // Refused exactly as a lab that does not exist, before its networks are even looked at.
    const foreign = await call("GET", url.replace("front", "nowhere"), tokens.studentB);
    const missing = await call(
      "GET",
      `/api/labs/no-such-lab-${run}/networks/front/capture`,
      tokens.studentB,
    );
    expect(foreign.json()).toEqual({ ...missing.json(), message: `lab ${labA} not found` });
  });

  it("refuses a capture of a network the lab lacks, or of a length out of bounds", async () => {
    const base = `/api/labs/${labA}/networks`;
    const unknown = await call("GET", `${base}/nowhere/capture`, tokens.studentA);
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().message).toBe(
      `lab ${labA} has no network 'nowhere'; its networks: front, back`,
    );
    for (const seconds of ["0", "121", "1.5", "ten"]) {
      const response = await call(
        "GET",
        `${base}/front/capture?seconds=${seconds}`,
        tokens.studentA,
      );
      expect({ seconds, code: response.statusCode }).toEqual({ seconds, code: 400 });
      expect(response.json().fields.map((f: { path: string }) => f.path)).toEqual([
        "querystring.seconds",
      ]);
    }
  });

  // Over a real loopback connection rather than app.inject: the test reads the pcap while it is
  // being recorded, and hangs up, which an injected request cannot do.
  it("streams a capture of a ping between two nodes as it records, and stops when left", async () => {
    const status = (await call("GET", `/api/labs/${labA}`, tokens.studentA)).json() as {
      nodes: { name: string; addresses: Record<string, string> }[];
    };
    const front = (node: string) => status.nodes.find((n) => n.name === node)?.addresses.front;
    const [alpha, beta] = [front("alpha"), front("beta")];
    const bridge = await networkBridge(h.engine, labA, "front");
    const tcpdumps = async () =>
      (await execCapture(h.engine, GUARD_CONTAINER, ["ps", "-eo", "args"])).stdout
        .split("\n")
        .filter((line) => line.startsWith(`tcpdump -i ${bridge} `)).length;

    await h.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = h.app.server.address() as AddressInfo;
    const pcap = new PcapReader();
    const echoes = () => {
      const seen = pcap.icmp();
      const count = (source?: string, type?: number) =>
        seen.filter((m) => m.source === source && m.type === type).length;
      return { requests: count(alpha, 8), replies: count(beta, 0) };
    };
    // The answer begins when tcpdump listens (its first bytes are the pcap header): what the
    // nodes send from then on is in the capture.
    const request = get(
      `http://127.0.0.1:${port}/api/labs/${labA}/networks/front/capture?seconds=120`,
      {
        headers: bearer(tokens.studentA as string),
      },
    );
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      request.once("response", resolve).once("error", reject),
    );
    expect(response.statusCode).toBe(200);
    expect(await tcpdumps()).toBe(1);
    const enough = new Promise<void>((resolve, reject) => {
      response.on("data", (chunk: Buffer) => {
        pcap.push(chunk);
        const { requests, replies } = echoes();
        if (requests >= 5 && replies >= 5) resolve();
      });
      response.once("end", () =>
        reject(new Error(`the capture ended with ${JSON.stringify(echoes())}`)),
      );
    });
    expect((await sh(h.engine, labA, "alpha", "ping -c 5 -i 0.2 beta")).exitCode).toBe(0);
    await enough;
    expect(pcap.magic).toBe(PCAP_MAGIC);
    expect(echoes()).toEqual({ requests: 5, replies: 5 });

    // Hanging up stops tcpdump in the host guard long before its 120 seconds are up.
    request.destroy();
    let left = 1;
    for (let tries = 0; tries < 40 && left > 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await tcpdumps();
    }
    expect(left).toBe(0);
  });

  it("is created for a student only by themself, their TA or the instructor", async () => {
    const owner = `a2-${run}`;
    expect((await call("POST", "/api/labs", tokens.studentA, { topology, owner })).statusCode).toBe(
      403,
    );
    expect((await call("POST", "/api/labs", tokens.taB, { topology, owner })).statusCode).toBe(404);
    expect((await call("POST", "/api/labs", undefined, { topology, owner })).statusCode).toBe(401);
    const byTa = await call("POST", "/api/labs", tokens.taA, { topology, owner });
    expect(byTa.statusCode).toBe(201);
    expect(byTa.json().owner).toBe(owner);
    const mine = (await call("GET", "/api/labs", tokens.studentA2)).json() as { lab: string }[];
    expect(mine.map((l) => l.lab)).toEqual([byTa.json().lab]);
  });

  it("resets one node, or all of them, keeping the addresses", async () => {
    const before = (await call("GET", `/api/labs/${labA}`, tokens.studentA)).json();
    const node = await call("POST", `/api/labs/${labA}/reset`, tokens.studentA, {
      nodes: ["beta"],
    });
    expect(node.statusCode).toBe(200);
    expect(node.json().nodes).toEqual(before.nodes);
    const unknown = await call("POST", `/api/labs/${labA}/reset`, tokens.studentA, {
      nodes: ["nope"],
    });
    expect(unknown.statusCode).toBe(409);
    expect(unknown.json().message).toContain("has no node nope");
    const whole = await call("POST", `/api/labs/${labA}/reset`, tokens.taA);
    expect(whole.statusCode).toBe(200);
    // A reset is activity: the lab's idle stop moves on (lifecycle-timers.test.ts).
    expect(whole.json()).toEqual({ ...before, idleStopAt: expect.any(String) });
  });

  it("is destroyed by its student; the audit log has the resets and the destroy", async () => {
    const destroy = await call("DELETE", `/api/labs/${labA}`, tokens.studentA);
    expect(destroy.statusCode).toBe(204);
    expect((await call("GET", `/api/labs/${labA}`, tokens.instructor)).statusCode).toBe(404);
    const audit = (await call("GET", "/api/audit?limit=1000", tokens.instructor)).json() as {
      actor: string;
      action: string;
      target: string;
    }[];
    const about = audit.filter((r) => r.target === labA).map((r) => [r.actor, r.action]);
    expect(about).toEqual([
      [`a1-${run}`, "lab.destroy"],
      [`ta-a${run}-ta`, "lab.reset"],
      [`a1-${run}`, "lab.reset"],
      [`a1-${run}`, "lab.capture"],
      ["instructor", "lab.capture"],
      [`ta-a${run}-ta`, "lab.capture"],
      [`a1-${run}`, "lab.capture"],
      [`a1-${run}`, "lab.create"],
      [`a1-${run}`, "lab.create"],
    ]);
    expect(audit.some((r) => r.action === "login" && r.actor === `b1-${run}`)).toBe(true);
  });
});
