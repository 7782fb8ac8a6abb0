// What the service loads: none of the packages behind features it does not use (dockerode's SSH
// transport and BuildKit session, prom-client's OpenTelemetry without a metrics token), so that
// they cannot creep back into its memory; and an ssh:// engine's transport still loads when used.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/paths.ts";

const HEAVY = /\/node_modules\/(ssh2|@grpc|protobufjs|@opentelemetry|cpu-features)\//;

/** The CommonJS files in a fresh process's module cache once `script` (ESM) has run. */
function loadedFiles(script: string): string[] {
  const run = spawnSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `${script}
       const { createRequire } = await import("node:module");
       console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)));`,
    ],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

/** A file under orchestrator/src as a string literal for `import()`. */
const source = (file: string) => JSON.stringify(join(REPO_ROOT, "orchestrator/src", file));

const heavy = (files: string[]) => files.filter((file) => HEAVY.test(file));

describe("the service's module graph", { timeout: 60_000 }, () => {
  it("loads the service with its engine and no SSH, gRPC, protobuf or OpenTelemetry package", () => {
    // service.ts imports the app and the classroom when it starts: all three, as it runs.
    const entries = ["service.ts", "api/app.ts", "classroom/bootstrap.ts"];
    const files = loadedFiles(entries.map((file) => `await import(${source(file)});`).join("\n"));
    expect(files.some((file) => file.includes("/node_modules/dockerode/"))).toBe(true);
    expect(files.some((file) => file.includes("/node_modules/fastify/"))).toBe(true);
    expect(heavy(files)).toEqual([]);
  });

  it("loads ssh2 once an ssh:// engine's transport is made (and gRPC still not)", () => {
    // A port on loopback where nothing listens: the request fails once its transport is made.
    const files = loadedFiles(`
      const { dockerodeEngine } = await import(${source("runtime/docker/dockerode.ts")});
      const engine = dockerodeEngine({ protocol: "ssh", host: "127.0.0.1", port: 1, username: "u" });
      await engine.networks.list().catch(() => {});`);
    expect(files.filter((file) => file.includes("/node_modules/ssh2/")).length).toBeGreaterThan(0);
    expect(files.some((file) => file.includes("/node_modules/@grpc/"))).toBe(false);
  });

  it("loads them all without the deferral (the check above can see them)", () => {
    const files = loadedFiles(`await import("dockerode");`);
    expect(heavy(files).length).toBeGreaterThan(0);
  });
});
