// Where a benchmark's time and memory go: the service's own view through its /metrics (event-loop
// delay since the last scrape, heap, young generation, memory outside the heap) and the CPU time
// of processes and of the whole machine, read from /proc.
import { readFileSync } from "node:fs";
import type { Service } from "../support/service.ts";

/** The metrics token the benchmark starts the service with (SOCKETLAB_METRICS_TOKEN). */
export const METRICS_TOKEN = "bench-metrics-token-0123456789abcdef";

export interface ServiceMetrics {
  /** Event-loop delay since the previous scrape (prom-client resets it at each), seconds. */
  lagP50: number;
  lagP99: number;
  lagMax: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  /** The young generation's size (V8's semi-spaces). */
  newSpace: number;
  /** Memory outside V8's heap: Buffers and what native code holds. */
  external: number;
  /** CPU seconds the service has used (user + system). */
  cpu: number;
}

const NAMES: Record<string, keyof ServiceMetrics> = {
  nodejs_eventloop_lag_p50_seconds: "lagP50",
  nodejs_eventloop_lag_p99_seconds: "lagP99",
  nodejs_eventloop_lag_max_seconds: "lagMax",
  process_resident_memory_bytes: "rss",
  nodejs_heap_size_used_bytes: "heapUsed",
  nodejs_heap_size_total_bytes: "heapTotal",
  'nodejs_heap_space_size_total_bytes{space="new"}': "newSpace",
  nodejs_external_memory_bytes: "external",
  process_cpu_seconds_total: "cpu",
};

/** One scrape of the service's /metrics (it must run with METRICS_TOKEN). */
export async function scrape(service: Service): Promise<ServiceMetrics> {
  const response = await fetch(`${service.url}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/metrics: ${response.status}`);
  const found: Partial<ServiceMetrics> = {};
  for (const line of (await response.text()).split("\n")) {
    const [name, value] = line.split(" ");
    const key = name === undefined ? undefined : NAMES[name];
    if (key) found[key] = Number(value);
  }
  const missing = Object.values(NAMES).filter((key) => found[key] === undefined);
  if (missing.length > 0) throw new Error(`/metrics lacks ${missing.join(", ")}`);
  return found as ServiceMetrics;
}

const TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) process `pid` has used; 0 once it is gone. */
export function processCpu(pid: number): number {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (every core, all but idle and iowait). */
export function machineCpu(): number {
  const [, ...ticks] = (readFileSync("/proc/stat", "utf8").split("\n")[0] as string)
    .trim()
    .split(/\s+/)
    .map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks as number[];
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS
  );
}

/** The pid of the engine's dockerd (the default engine's pid file); null when unknown. */
export function dockerdPid(): number | null {
  try {
    return Number(readFileSync("/var/run/docker.pid", "utf8").trim()) || null;
  } catch {
    return null;
  }
}
