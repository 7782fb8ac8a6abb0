// A stand-in Docker engine on a unix socket, for tests that go through the dockerode adapter (the
// adapter's own, and the CLI's engines file); the others use the in-memory engine of
// tests/support. It answers its ping and lists nothing, or (`failing`) fails every listing.
import { createServer, type Server } from "node:http";

export interface FakeEngine {
  server: Server;
  /** How many pings it answered. */
  pings(): number;
  close(): Promise<void>;
}

export async function fakeEngine(socketPath: string, listings: "empty" | "failing" = "empty") {
  let pings = 0;
  const server = createServer((request, response) => {
    if (request.url?.endsWith("/_ping")) {
      pings++;
      response.end("OK");
      return;
    }
    response.setHeader("content-type", "application/json");
    if (listings === "failing") {
      response.statusCode = 500;
      response.end(JSON.stringify({ message: "listing broken" }));
      return;
    }
    response.end("[]");
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    server,
    pings: () => pings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } satisfies FakeEngine;
}
