// The pool's records in the service's database: the tables and their queries are the store's
// (store/engines.ts); this module turns an added engine's spec to and from the JSON kept there.
import type { Db } from "../store/db.ts";
import { engineRows, storeEngineRow } from "../store/engines.ts";
import { type EngineSpec, toEngineSpec } from "./spec.ts";

export {
  ensurePoolTables,
  forgetEngine,
  forgetPlacement,
  type PlacementRecord,
  placements,
  recordPlacement,
  storeDrained,
} from "../store/engines.ts";

/** Engines added through the API (`spec` set) and drain marks of any engine. */
export function storedEngines(
  db: Db,
): { spec: EngineSpec | null; name: string; drained: boolean }[] {
  return engineRows(db).map((r) => ({
    name: r.name,
    spec: r.spec ? toEngineSpec(JSON.parse(r.spec)) : null,
    drained: r.drained,
  }));
}

export function storeAddedEngine(db: Db, spec: EngineSpec): void {
  const input = {
    name: spec.name,
    host: spec.host,
    drained: spec.drained,
    ...(spec.tls ? { tls: spec.tls } : {}),
    ...(spec.agent ? { agent: spec.agent } : {}),
    ...(spec.insecure ? { insecure: true } : {}),
    capacity: {
      ...(spec.capacity.labs !== null ? { labs: spec.capacity.labs } : {}),
      ...(spec.capacity.memoryBytes !== null ? { memory: spec.capacity.memoryBytes } : {}),
    },
  };
  storeEngineRow(db, spec.name, JSON.stringify(input), spec.drained);
}
