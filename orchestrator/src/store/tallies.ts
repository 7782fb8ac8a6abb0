// Counts over the store's tables, read when the metrics are scraped: what the service already
// keeps needs no counter of its own.
import type { Db } from "./db.ts";

/** The results of every lab's last check run, passed and failed, and how many labs have one. */
export function checkResultTallies(db: Db): { labs: number; passed: number; failed: number } {
  const results = db
    .prepare(
      `SELECT COALESCE(SUM(json_extract(r.value, '$.passed') = 1), 0) AS passed,
              COALESCE(SUM(json_extract(r.value, '$.passed') = 0), 0) AS failed
       FROM check_runs, json_each(check_runs.results) AS r`,
    )
    .get() as { passed: number; failed: number };
  const { labs } = db.prepare("SELECT COUNT(*) AS labs FROM check_runs").get() as { labs: number };
  return { labs, passed: results.passed, failed: results.failed };
}

/** Bulk jobs by state (running, finished). */
export function jobTallies(db: Db): Record<"running" | "finished", number> {
  const rows = db.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all() as {
    state: "running" | "finished";
    n: number;
  }[];
  const tallies = { running: 0, finished: 0 };
  for (const row of rows) tallies[row.state] = row.n;
  return tallies;
}
