// The agent in front of the real engine's socket, on loopback, with a CA made for the test: a
// request without the secret, or with a wrong one, is answered 401 and never reaches the engine;
// with it, dockerode (as the pool sets it up from an engine spec's `agent`) lists containers and
// runs an exec whose attached stream (a hijacked connection) carries stdin and stdout.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelay } from "../../../orchestrator/src/agent/relay.ts";
import { dockerOptions, toEngineSpec } from "../../../orchestrator/src/engines/spec.ts";
import { testCertificate } from "../../../orchestrator/tests/support/test-ca.ts";
import { docker } from "../engine.ts";

const dir = mkdtempSync(join(tmpdir(), "socketlab-agent-"));
const secret = randomBytes(32).toString("hex");
const containerName = `it-agent-${randomBytes(3).toString("hex")}`;
const { cert, key, caFile } = testCertificate(dir);
const relay = createRelay({
  socket: "/var/run/docker.sock",
  cert,
  key,
  secret,
  maxConnections: 16,
});
let port = 0;

/** A raw request to the agent; its status and body. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method, path, headers, ca: readFileSync(caFile) },
      (res) => {
        let text = "";
        res.on("data", (chunk) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const createBody = JSON.stringify({ Image: "socketlab/base:latest", Cmd: ["sleep", "600"] });

async function notCreated(): Promise<void> {
  await expect(docker.getContainer(containerName).inspect()).rejects.toMatchObject({
    statusCode: 404,
  });
}

beforeAll(async () => {
  relay.listen(0, "127.0.0.1");
  await new Promise((resolve) => relay.once("listening", resolve));
  port = (relay.address() as AddressInfo).port;
  writeFileSync(join(dir, "secret"), `${secret}\n`);
});

afterAll(async () => {
  await docker
    .getContainer(containerName)
    .remove({ force: true })
    .catch(() => {});
  relay.closeAllConnections();
  await new Promise((resolve) => relay.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("the agent", () => {
  it("answers a request without the secret 401 and does not pass it on", async () => {
    const answer = await send(
      "POST",
      `/containers/create?name=${containerName}`,
      { "content-type": "application/json" },
      createBody,
    );
    expect(answer.status).toBe(401);
    await notCreated();
  });

  it("answers a wrong secret 401, as a header or as an upgrade, and does not pass them on", async () => {
    for (const authorization of [`Bearer ${secret.slice(1)}x`, `Basic ${secret}`, secret]) {
      const answer = await send(
        "POST",
        `/containers/create?name=${containerName}`,
        { "content-type": "application/json", authorization },
        createBody,
      );
      expect(answer.status).toBe(401);
    }
    const upgrade = await send(
      "POST",
      `/containers/create?name=${containerName}`,
      {
        "content-type": "application/json",
        authorization: "Bearer wrong",
        connection: "Upgrade",
        upgrade: "tcp",
      },
      createBody,
    ).catch((error: Error) => ({ status: -1, body: error.message }));
    // Node's client treats a non-101 answer to an upgrade as an ordinary response.
    expect(upgrade.status).toBe(401);
    await notCreated();
  });

  it("relays dockerode's requests with the secret, an attached exec's stream included", async () => {
    const spec = toEngineSpec({
      name: "through-agent",
      host: `tcp://127.0.0.1:${port}`,
      agent: { ca: caFile, secretFile: join(dir, "secret") },
    });
    const viaAgent = new Docker(dockerOptions(spec));
    const container = await viaAgent.createContainer({
      name: containerName,
      Image: "socketlab/base:latest",
      Cmd: ["sleep", "600"],
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();
    const listed = await viaAgent.listContainers({ filters: { name: [containerName] } });
    expect(listed.map((c) => c.Names[0])).toEqual([`/${containerName}`]);

    const exec = await container.exec({
      Cmd: ["sh", "-c", 'read line; echo "got $line"; echo oops >&2'],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    viaAgent.modem.demuxStream(stream, stdout, stderr);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    stdout.on("data", (chunk: Buffer) => out.push(chunk));
    stderr.on("data", (chunk: Buffer) => err.push(chunk));
    const ended = new Promise((resolve) => stream.on("end", resolve));
    stream.write("through the agent\n");
    await ended;
    expect(Buffer.concat(out).toString()).toBe("got through the agent\n");
    expect(Buffer.concat(err).toString()).toBe("oops\n");
    expect((await exec.inspect()).ExitCode).toBe(0);
  });
});
