// Runs `step` now and then every `everyMs` until `signal` aborts; one step at a time, and a
// failed step does not stop the ones after it (the page shows its own error).
export function poll(everyMs: number, signal: AbortSignal, step: () => Promise<void>): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = async () => {
    try {
      await step();
    } finally {
      if (!signal.aborted) timer = setTimeout(run, everyMs);
    }
  };
  signal.addEventListener("abort", () => clearTimeout(timer));
  void run();
}

/** How often lists of labs are refreshed: live enough for a class, light on the engine. */
export const REFRESH_MS = 4000;
