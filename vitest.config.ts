import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["orchestrator/tests/**/*.test.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          // Real containers: slow, and they share one engine, so files run one at a time.
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // testcontainers' reaper (Ryuk) is an image from a registry, which none serves here;
          // the tests remove what they start themselves.
          env: { TESTCONTAINERS_RYUK_DISABLED: "true" },
        },
      },
      {
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          // A real browser against the real service and engine: slow, and one file at a time.
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // A group of its own, so never beside the integration tests (vitest runs those, one file
          // at a time, in a group after all others): they count the engine's objects, which the
          // browser tests' labs would change.
          sequence: { concurrent: false, groupOrder: 1 },
        },
      },
    ],
  },
});
