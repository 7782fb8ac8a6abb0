// A lab as a graph for the layout library: its networks and nodes as boxes, and an edge from a
// network to each node on it, labelled with the node's address there. Edges point away from the
// first network, breadth first, so that a node on two networks (a router) lands between them.
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import type { LabStatus } from "./api.ts";

/** Font sizes of the diagram's text, in CSS pixels at zoom 1 (style.css uses the same). */
export const TEXT = { name: 13, detail: 11 } as const;
const PAD_X = 12;
const BOX_H = 44;
const LABEL_H = 15;

export type Measure = (text: string, px: number, style: "bold" | "plain" | "mono") => number;

export interface DiagramBox {
  kind: "node" | "network";
  name: string;
  /** The node's role and state, or the network's subnet. */
  detail: string;
}

export interface DiagramGraph {
  elk: ElkNode;
  boxes: Map<string, DiagramBox>;
}

const nodeId = (name: string) => `node:${name}`;
const networkId = (name: string) => `net:${name}`;

/** `socketlab/dns:latest` is a dns node; another image shows its own name. */
export function roleOf(image: string): string {
  const match = /^socketlab\/([a-z0-9-]+)(?::|$)/.exec(image);
  return match ? (match[1] as string) : (image.split("/").at(-1)?.split(":")[0] ?? image);
}

export function diagramGraph(lab: LabStatus, measure: Measure): DiagramGraph {
  const boxes = new Map<string, DiagramBox>();
  const children: ElkNode[] = [];
  const box = (id: string, value: DiagramBox, bold: string, detailStyle: "plain" | "mono") => {
    boxes.set(id, value);
    const width =
      Math.max(measure(bold, TEXT.name, "bold"), measure(value.detail, TEXT.detail, detailStyle)) +
      2 * PAD_X;
    children.push({ id, width: Math.ceil(width), height: BOX_H });
  };
  for (const network of lab.networks) {
    box(
      networkId(network.name),
      { kind: "network", name: network.name, detail: network.subnet },
      network.name,
      "mono",
    );
  }
  for (const node of lab.nodes) {
    const detail = `${roleOf(node.image)} · ${node.state}`;
    box(nodeId(node.name), { kind: "node", name: node.name, detail }, node.name, "plain");
  }

  const depth = networkDepths(lab);
  const edges: ElkExtendedEdge[] = [];
  for (const node of lab.nodes) {
    const networks = Object.keys(node.addresses).filter((n) => depth.has(n));
    const nearest = Math.min(...networks.map((n) => depth.get(n) as number));
    for (const network of networks) {
      const address = node.addresses[network] as string;
      // From the network nearest the first one to the node, and on from the node to the others.
      const inbound = depth.get(network) === nearest;
      const [from, to] = inbound
        ? [networkId(network), nodeId(node.name)]
        : [nodeId(node.name), networkId(network)];
      edges.push({
        id: `edge:${node.name}:${network}`,
        sources: [from],
        targets: [to],
        labels: [
          {
            text: address,
            width: Math.ceil(measure(address, TEXT.detail, "mono")) + 4,
            height: LABEL_H,
            layoutOptions: { "elk.edgeLabels.placement": "CENTER" },
          },
        ],
      });
    }
  }
  return {
    boxes,
    elk: {
      id: "lab",
      layoutOptions: {
        "elk.algorithm": "layered",
        "elk.direction": "DOWN",
        "elk.edgeRouting": "POLYLINE",
        "elk.spacing.nodeNode": "20",
        "elk.spacing.edgeLabel": "4",
        "elk.spacing.edgeNode": "12",
        "elk.layered.spacing.nodeNodeBetweenLayers": "24",
        "elk.layered.spacing.edgeNodeBetweenLayers": "10",
        "elk.padding": "[top=12,left=12,bottom=12,right=12]",
      },
      children,
      edges,
    },
  };
}

/** Each network's distance from the first network (in hops through nodes), every component. */
function networkDepths(lab: LabStatus): Map<string, number> {
  const depth = new Map<string, number>();
  const neighbours = new Map<string, Set<string>>(lab.networks.map((n) => [n.name, new Set()]));
  for (const node of lab.nodes) {
    const on = Object.keys(node.addresses).filter((n) => neighbours.has(n));
    for (const a of on) for (const b of on) if (a !== b) neighbours.get(a)?.add(b);
  }
  for (const start of lab.networks) {
    if (depth.has(start.name)) continue;
    depth.set(start.name, 0);
    const queue = [start.name];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const other of neighbours.get(next) ?? []) {
        if (depth.has(other)) continue;
        depth.set(other, (depth.get(next) as number) + 1);
        queue.push(other);
      }
    }
  }
  return depth;
}
