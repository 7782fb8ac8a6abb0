// The agent's relay in front of a stand-in engine on a unix socket that counts its connections:
// without the secret nothing reaches the socket; with it the request arrives as sent, less the
// secret; a connection past the bound is closed. (tests/integration/agent/relay.test.ts runs the
// relay in front of the real engine.)
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { request } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRelay, RELAY_TIMEOUTS } from "../../src/agent/relay.ts";
import { agentPingStatus } from "../support/agent-ping.ts";
import { testCertificate } from "../support/test-ca.ts";

const dir = mkdtempSync(join(tmpdir(), "sl-relay-"));
const { cert, key, caFile } = testCertificate(dir);
const ca = readFileSync(caFile);
const SECRET = "x".repeat(48);
const socket = join(dir, "engine.sock");

let engineConnections = 0;
let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string } | null =
  null;
// Docker's own server takes heads up to 1 MiB.
const engine = createHttpServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    seen = { method: req.method, url: req.url, headers: req.headers, body };
    res.writeHead(201, { "content-type": "application/json" }).end('{"Id":"abc"}');
  });
});
engine.on("connection", () => engineConnections++);

const relay = createRelay({ socket, cert, key, secret: SECRET, maxConnections: 2 });
const port = () => (relay.address() as AddressInfo).port;

function send(headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: port(),
        method: "POST",
        path: "/v1.41/containers/create?name=x",
        headers: { "content-type": "application/json", ...headers },
        ca,
        agent: false,
      },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end('{"Image":"x"}');
  });
}

/** Whether a TLS connection to the relay completes its handshake. */
function handshake(): Promise<{ ok: boolean; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const client = tlsConnect({ host: "127.0.0.1", port: port(), ca });
    const close = async () => {
      if (client.closed) return;
      client.destroy();
      await once(client, "close");
    };
    client.once("secureConnect", () => resolve({ ok: true, close }));
    client.once("error", () => resolve({ ok: false, close }));
    client.once("close", () => resolve({ ok: false, close }));
  });
}

beforeAll(async () => {
  engine.listen(socket);
  await once(engine, "listening");
  relay.listen(0, "127.0.0.1");
  await once(relay, "listening");
});

afterAll(async () => {
  relay.closeAllConnections();
  engine.closeAllConnections();
  await new Promise((resolve) => relay.close(resolve));
  await new Promise((resolve) => engine.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("the agent's relay", () => {
  it.each([
    ["no secret", {}],
    ["a wrong secret", { authorization: `Bearer ${"y".repeat(48)}` }],
    ["the secret under another scheme", { authorization: `Basic ${SECRET}` }],
  ])("answers %s 401 and opens no connection to the engine", async (_, headers) => {
    const answer = await send(headers);
    expect(answer).toEqual({ status: 401, body: "the agent's secret is required\n" });
    expect(engineConnections).toBe(0);
    expect(seen).toBeNull();
  });

  it("passes a request with the secret on as it came, less the secret, and its answer back", async () => {
    const answer = await send({ authorization: `Bearer ${SECRET}`, "x-registry-auth": "e30=" });
    expect(answer).toEqual({ status: 201, body: '{"Id":"abc"}' });
    expect(engineConnections).toBe(1);
    expect(seen).toMatchObject({
      method: "POST",
      url: "/v1.41/containers/create?name=x",
      body: '{"Image":"x"}',
      headers: { "content-type": "application/json", "x-registry-auth": "e30=" },
    });
    expect(seen?.headers.authorization).toBeUndefined();
  });

  it("passes on a request whose head is larger than Node's default 16 KiB, as the engine takes it", async () => {
    const long = "f".repeat(64 * 1024);
    const answer = await send({ authorization: `Bearer ${SECRET}`, "x-long": long });
    expect(answer.status).toBe(201);
    expect(seen?.headers["x-long"]).toBe(long);
  });

  it("answers 502 when the engine's socket does not answer", async () => {
    const down = createRelay({
      socket: join(dir, "none.sock"),
      cert,
      key,
      secret: SECRET,
      maxConnections: 2,
    });
    down.listen(0, "127.0.0.1");
    await once(down, "listening");
    const answer = await agentPingStatus(
      "127.0.0.1",
      (down.address() as AddressInfo).port,
      ca,
      SECRET,
    );
    expect(answer).toBe(502);
    down.closeAllConnections();
    await new Promise((resolve) => down.close(resolve));
  });

  it("puts no time limit on a relayed body but one on a request's headers", () => {
    // Node's defaults would cut an image upload at 300 s and wait 60 s for trickled headers.
    expect(relay.requestTimeout).toBe(0);
    expect(relay.headersTimeout).toBe(RELAY_TIMEOUTS.headersTimeout);
    expect(relay.headersTimeout).toBeGreaterThan(0);
    expect(relay.headersTimeout).toBeLessThan(60_000);
    expect(relay.keepAliveTimeout).toBe(RELAY_TIMEOUTS.keepAliveTimeout);
    // An idle upgraded stream (a terminal nobody types in) is never closed for its silence.
    expect(relay.timeout).toBe(0);
  });

  it("closes a connection past its bound, and takes one again once one ends", async () => {
    const first = await handshake();
    const second = await handshake();
    expect([first.ok, second.ok]).toEqual([true, true]);
    const third = await handshake();
    expect(third.ok).toBe(false);
    await first.close();
    // The server counts the connection gone once its side has closed too.
    while ((await new Promise<number>((r) => relay.getConnections((_, n) => r(n)))) > 1) {
      await new Promise((r) => setTimeout(r, 10));
    }
    const fourth = await handshake();
    expect(fourth.ok).toBe(true);
    await Promise.all([second.close(), third.close(), fourth.close()]);
  });
});
