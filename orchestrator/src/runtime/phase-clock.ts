// Where bringing a lab up spends its time (`socketlab up --timings`, the service's debug log).
// A phase may run as many overlapping steps (one container creation per node, say): its span
// runs from its first step's start to its last step's end, so phases that overlap show it.
export type Phase =
  | "topology"
  | "image checks"
  | "subnet claims"
  | "planning"
  | "inventory"
  | "lab record"
  | "removal"
  | "networks"
  | "guard rules"
  | "create"
  | "file injection"
  | "start"
  | "gate"
  | "readiness"
  | "status";

export interface PhaseSpan {
  phase: Phase;
  /** How many steps the phase ran (one per node for the per-node phases). */
  steps: number;
  /** Since the clock's origin, ms. */
  startMs: number;
  endMs: number;
  /** The steps' durations added up: above the span when steps overlapped. */
  busyMs: number;
}

export interface PhaseClock {
  /** Runs one step of a phase and records when it ran, whether it succeeded or not. */
  time<T>(phase: Phase, step: () => Promise<T>): Promise<T>;
}

/** A clock that records nothing: what converging uses when nobody asked for timings. */
export const NO_CLOCK: PhaseClock = { time: (_phase, step) => step() };

export interface RecordingClock extends PhaseClock {
  /** The phases seen so far, in the order each first started. */
  spans(): PhaseSpan[];
  /** Since the clock's origin, ms. */
  elapsedMs(): number;
}

/**
 * A clock that keeps every phase's span. Times count from `origin` on `now`'s scale: by default
 * from the clock's making; 0 with performance.now() counts from the process's start.
 */
export function recordingClock(
  now: () => number = () => performance.now(),
  origin: number = now(),
): RecordingClock {
  const spans = new Map<Phase, PhaseSpan>();
  const record = (phase: Phase, startMs: number, endMs: number) => {
    const span = spans.get(phase);
    if (span === undefined) {
      spans.set(phase, { phase, steps: 1, startMs, endMs, busyMs: endMs - startMs });
      return;
    }
    span.steps += 1;
    span.startMs = Math.min(span.startMs, startMs);
    span.endMs = Math.max(span.endMs, endMs);
    span.busyMs += endMs - startMs;
  };
  return {
    async time(phase, step) {
      const startMs = now() - origin;
      try {
        return await step();
      } finally {
        record(phase, startMs, now() - origin);
      }
    },
    spans: () => [...spans.values()].map((span) => ({ ...span })),
    elapsedMs: () => now() - origin,
  };
}

/**
 * A table of the phases, one line each: when it began and ended (seconds since the clock was
 * origin), its wall time, its steps and their durations added up; then the whole.
 */
export function formatPhases(spans: readonly PhaseSpan[], totalMs: number): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(2);
  const rows = [
    ["phase", "from", "to", "wall s", "steps", "busy s"],
    ...spans.map((s) => [
      s.phase,
      seconds(s.startMs),
      seconds(s.endMs),
      seconds(s.endMs - s.startMs),
      String(s.steps),
      seconds(s.busyMs),
    ]),
    ["total", seconds(0), seconds(totalMs), seconds(totalMs), "", ""],
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((r) => r[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths?.[column] ?? 0) : cell.padStart(widths?.[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
