// The lab's check results in the page, shared by the Checks card and the handout's tasks: one
// run at a time, and every view told when results arrive.
import { api, type CheckResult } from "./api.ts";

export class ChecksState {
  private readonly lab: string;
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

  async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.notify();
    try {
      this.all = await api.checks(this.lab);
      this.results = new Map(this.all.map((r) => [r.id, r]));
      this.lastRun = new Date();
      this.error = null;
    } catch (error) {
      this.error = error;
    } finally {
      this.running = false;
      this.notify();
    }
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}
