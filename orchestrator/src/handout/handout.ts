// A lab's handout: the topology's README.md with the lab's own addresses in it, a table of its
// subnets at the top, and the list of its tasks with their checks.
import { formatCidr } from "../net/ipv4.ts";
import type { Cidr } from "../topology/model.ts";
import {
  type SubnetMapping,
  subnetMappings,
  subnetTable,
  substituteAddresses,
} from "./addresses.ts";
import { type HandoutTask, handoutTasks } from "./tasks.ts";

export interface LabHandout {
  /** Markdown with the lab's addresses; null when the topology has no handout. */
  markdown: string | null;
  networks: { network: string; handoutSubnet: string; labSubnet: string }[];
  tasks: HandoutTask[];
}

export function labHandout(
  markdown: string | null,
  handoutNetworks: readonly { name: string; subnet: Cidr }[],
  labNetworks: readonly { name: string; subnet: string }[],
): LabHandout {
  const mappings = subnetMappings(handoutNetworks, labNetworks);
  return {
    markdown: markdown === null ? null : withAddresses(markdown, mappings),
    networks: mappings.map((m) => ({
      network: m.network,
      handoutSubnet: formatCidr(m.handout),
      labSubnet: formatCidr(m.lab),
    })),
    tasks: markdown === null ? [] : handoutTasks(markdown),
  };
}

/** The table goes after the title (the first line, when it is a heading), before the text. */
function withAddresses(markdown: string, mappings: SubnetMapping[]): string {
  const text = substituteAddresses(markdown, mappings);
  const table = subnetTable(mappings);
  if (table === "") return text;
  const firstBreak = text.indexOf("\n");
  if (text.startsWith("# ") && firstBreak !== -1) {
    return `${text.slice(0, firstBreak + 1)}\n${table}${text.slice(firstBreak + 1)}`;
  }
  return `${table}\n${text}`;
}
