// An app on an in-memory database, for routes that never reach the engine. The engine is an
// in-memory one taken down, so a route that did reach it would fail, not pass by accident.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, buildApp } from "../../src/api/app.ts";
import { ensureInstructor } from "../../src/classroom/bootstrap.ts";
import { MemoryEngine } from "../support/memory-engine.ts";

export interface TestApp {
  app: App;
  instructor: string;
  libraryDir: string;
}

/** `now`: the service's clock (epoch ms), for tests that move it. */
export async function offlineApp(now?: () => number): Promise<TestApp> {
  const libraryDir = await mkdtemp(join(tmpdir(), "sl-library-"));
  const engine = new MemoryEngine();
  engine.takeDown();
  const app = await buildApp({
    engine,
    dataDir: ":memory:",
    libraryDir,
    ...(now ? { now } : {}),
  });
  const instructor = ensureInstructor(app.db) as string;
  return { app, instructor, libraryDir };
}
