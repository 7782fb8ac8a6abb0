// Why the service stopped a node on its own (its disk limit), kept so that the lab's page can say
// so after the terminal that was told is gone, and after the service restarts. A record holds
// until the node is seen running again, or its lab is destroyed (store/db.ts holds the table).
import type { Db } from "./db.ts";

export interface NodeStop {
  lab: string;
  node: string;
  cause: "disk-limit";
  /** What the node had written to its disk when it was stopped. */
  bytes: number;
  limitBytes: number;
  /** Epoch ms. */
  at: number;
}

/** Keeps `stop` as its node's latest. */
export function recordNodeStop(db: Db, stop: NodeStop): void {
  db.prepare(
    `INSERT INTO node_stops (lab, node, cause, bytes, limit_bytes, at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (lab, node) DO UPDATE SET cause = excluded.cause, bytes = excluded.bytes,
       limit_bytes = excluded.limit_bytes, at = excluded.at`,
  ).run(stop.lab, stop.node, stop.cause, stop.bytes, stop.limitBytes, stop.at);
}

/** The lab's nodes' latest stops, by node. */
export function nodeStops(db: Db, lab: string): Map<string, NodeStop> {
  const rows = db
    .prepare("SELECT node, cause, bytes, limit_bytes, at FROM node_stops WHERE lab = ?")
    .all(lab) as {
    node: string;
    cause: NodeStop["cause"];
    bytes: number;
    limit_bytes: number;
    at: number;
  }[];
  return new Map(
    rows.map((r) => [
      r.node,
      { lab, node: r.node, cause: r.cause, bytes: r.bytes, limitBytes: r.limit_bytes, at: r.at },
    ]),
  );
}

/** Forgets the stop of `node` if it was recorded before `before` (epoch ms). */
export function forgetNodeStop(db: Db, lab: string, node: string, before: number): void {
  db.prepare("DELETE FROM node_stops WHERE lab = ? AND node = ? AND at < ?").run(lab, node, before);
}

export function forgetNodeStops(db: Db, lab: string): void {
  db.prepare("DELETE FROM node_stops WHERE lab = ?").run(lab);
}
