// The lab's check results in the page, shared by the Checks card and the handout's tasks: the
// last run at first (the service keeps it), then each new run, one at a time, every view told
// when results arrive.
import { api, type CheckResult } from "./api.ts";

export class ChecksState {
  readonly lab: string;
  private results = new Map<string, CheckResult>();
  private readonly listeners = new Set<() => void>();
  running = false;
  lastRun: Date | null = null;
  error: unknown = null;
  all: CheckResult[] = [];

  constructor(lab: string) {
    this.lab = lab;
  }

  result(id: string): CheckResult | undefined {
    return this.results.get(id);
  }

  subscribe(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The last run the service kept, unless a run here has already given newer results. */
  async load(): Promise<void> {
    try {
      const last = await api.lastChecks(this.lab);
      if (last.ranAt === null || this.lastRun || this.running) return;
      this.show(last.results, new Date(last.ranAt));
    } catch (error) {
      this.error = error;
    }
    this.notify();
  }

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.notify();
    try {
      this.show(await api.checks(this.lab), new Date());
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.running = false;
      this.notify();
    }
  }

  private show(results: CheckResult[], at: Date): void {
    this.all = results;
    this.results = new Map(results.map((r) => [r.id, r]));
    this.lastRun = at;
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
