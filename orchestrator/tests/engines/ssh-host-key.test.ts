// An ssh:// engine's pinned host key, against a real SSH server (ssh2's, on loopback, with a host
// key made here): a host that offers another key is refused before any authentication, while the
// pinned key lets the handshake go on (to authentication, which this server refuses).
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerOptions, toEngineSpec } from "../../src/engines/spec.ts";
import { dockerodeEngine } from "../../src/runtime/docker/dockerode.ts";

const { Server, utils } = ssh2;

const served = utils.generateKeyPairSync("ed25519");
const other = utils.generateKeyPairSync("ed25519");
let server: InstanceType<typeof Server>;
let port = 0;

beforeAll(async () => {
  server = new Server({ hostKeys: [served.private] }, (client) => {
    client.on("authentication", (context) => context.reject());
    client.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The error of a ping to the engine at the server, pinned to `hostKey`. */
async function pingError(hostKey: string): Promise<string> {
  const spec = toEngineSpec({ name: "far", host: `ssh://docker@127.0.0.1:${port}`, hostKey });
  // No agent: a handshake that passes the host key then fails to authenticate.
  const options = dockerOptions(spec);
  const engine = dockerodeEngine({
    ...options,
    sshOptions: { ...options.sshOptions, agent: undefined },
  });
  try {
    await engine.ping();
    return "answered";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("an ssh:// engine's host key", () => {
  it("refuses a host whose key is not the pinned one", async () => {
    expect(await pingError(other.public)).toMatch(/verification failed/);
  });

  it("accepts the pinned key and goes on to authenticate", async () => {
    const message = await pingError(served.public);
    expect(message).not.toMatch(/verification failed/);
    expect(message).toMatch(/authentication/i);
  });
});
