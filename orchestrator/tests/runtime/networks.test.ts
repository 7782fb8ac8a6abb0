// removeNetwork against a stand-in Docker API on a unix socket: the stale-endpoint case of
// Docker 20.10 ("has active endpoints" with no container attached) cannot be made on purpose.
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { removeNetwork, STALE_ENDPOINT_WARNING } from "../../src/runtime/networks.ts";

/** Per network id: whether a container is attached, and the removals asked for. */
const networks: Record<string, { attached: boolean; removals: number }> = {
  stuck: { attached: false, removals: 0 },
  busy: { attached: true, removals: 0 },
};
let dir = "";
let server: Server;
let engine: Docker;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sl-networks-"));
  server = createServer((request, response) => {
    const id = /\/networks\/([^/?]+)/.exec(request.url ?? "")?.[1] ?? "";
    const network = networks[id];
    response.setHeader("content-type", "application/json");
    if (!network) {
      response.statusCode = 404;
      response.end(JSON.stringify({ message: `network ${id} not found` }));
      return;
    }
    if (request.method === "DELETE") {
      network.removals++;
      response.statusCode = 403;
      response.end(
        JSON.stringify({
          message: `error while removing network: network sl_lab_${id} id ${id} has active endpoints`,
        }),
      );
      return;
    }
    const containers = network.attached ? { abc: { Name: "sl_lab_web" } } : {};
    response.end(JSON.stringify({ Id: id, Name: `sl_lab_${id}`, Containers: containers }));
  });
  await new Promise<void>((resolve) => server.listen(join(dir, "docker.sock"), resolve));
  engine = new Docker({ socketPath: join(dir, "docker.sock") });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe("removeNetwork", () => {
  it("leaves a network Docker keeps a stale endpoint on, after its tries, with a warning", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      await removeNetwork(engine, "stuck", { tries: 3, delayMs: 5 });
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(networks.stuck?.removals).toBe(3);
    expect(warnings.map((w) => [(w as { code?: string }).code, w.message])).toEqual([
      [STALE_ENDPOINT_WARNING, expect.stringContaining("sl_lab_stuck")],
    ]);
  });

  it("fails at once when a container is still attached: that is no stale endpoint", async () => {
    await expect(removeNetwork(engine, "busy", { tries: 3, delayMs: 5 })).rejects.toThrow(
      /has active endpoints/,
    );
    expect(networks.busy?.removals).toBe(1);
  });

  it("takes a network that is already gone as removed", async () => {
    await expect(removeNetwork(engine, "gone")).resolves.toBeUndefined();
  });
});
