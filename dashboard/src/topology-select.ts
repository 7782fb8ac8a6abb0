// A choice of the library's topologies, leaving out those that do not load.
import type { Topology } from "./api.ts";
import { h } from "./dom.ts";

export function topologySelect(id: string, topologies: Topology[]): HTMLSelectElement {
  return h(
    "select",
    { id },
    ...topologies
      .filter((t) => t.diagnostics.length === 0)
      .map((t) => h("option", { value: t.name }, t.name)),
  );
}
