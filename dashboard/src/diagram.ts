// A lab's diagram as SVG: its nodes as boxes in a row (coloured by state), its networks as bars
// below them, and a link from each node down to each network it is on, with the node's address
// on that network beside the link. Activating a node (click, Enter or Space) calls `onNode`.
import type { LabStatus } from "./api.ts";

const SVG = "http://www.w3.org/2000/svg";
const NODE_W = 120;
const NODE_H = 44;
const GAP = 40;
const TOP = 16;
const FIRST_BAR = TOP + NODE_H + 60;
const BAR_STEP = 64;
const LEFT = 150;

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  for (const child of children) element.append(child);
  return element;
}

/** running: ok; created/restarting/paused: in between; exited/dead/missing: down. */
function stateClass(state: string): string {
  if (state === "running") return "ok";
  if (["created", "restarting", "paused"].includes(state)) return "warn";
  return "down";
}

export function labDiagram(lab: LabStatus, onNode: (node: string) => void): SVGSVGElement {
  const width = LEFT + lab.nodes.length * (NODE_W + GAP);
  const height = FIRST_BAR + Math.max(lab.networks.length - 1, 0) * BAR_STEP + 30;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "diagram",
    role: "group",
    "aria-label": `Diagram of ${lab.lab}: ${lab.nodes.length} nodes on ${lab.networks.length} networks`,
  });
  const barY = new Map(lab.networks.map((network, i) => [network.name, FIRST_BAR + i * BAR_STEP]));

  lab.networks.forEach((network) => {
    const y = barY.get(network.name) as number;
    const classes = ["net", network.present ? "" : "absent", network.sniffable ? "sniffable" : ""];
    root.append(
      svg("line", { x1: LEFT - 10, x2: width - 10, y1: y, y2: y, class: classes.join(" ") }),
      svg("text", { x: 8, y: y - 4, class: "net-name" }, network.name),
      svg(
        "text",
        { x: 8, y: y + 14, class: "net-subnet" },
        `${network.subnet}${network.sniffable ? " (sniffable)" : ""}`,
      ),
    );
  });

  lab.nodes.forEach((node, i) => {
    const x = LEFT + i * (NODE_W + GAP);
    const centre = x + NODE_W / 2;
    const links = Object.entries(node.addresses).map(([network, address]) => {
      const y = barY.get(network) ?? FIRST_BAR;
      return svg(
        "g",
        { class: "link" },
        svg("line", { x1: centre, x2: centre, y1: TOP + NODE_H, y2: y }),
        svg("circle", { cx: centre, cy: y, r: 4 }),
        svg("text", { x: centre + 6, y: y - 6, class: "address" }, address),
      );
    });
    const box = svg(
      "g",
      {
        class: `node ${stateClass(node.state)}`,
        tabindex: 0,
        role: "button",
        "aria-label": `${node.name}, ${node.state}: open a terminal`,
      },
      svg("title", {}, `${node.name} (${node.state}), ${node.image}`),
      svg("rect", { x, y: TOP, width: NODE_W, height: NODE_H, rx: 6 }),
      svg("text", { x: centre, y: TOP + 19, class: "node-name" }, node.name),
      svg("text", { x: centre, y: TOP + 35, class: "node-state" }, node.state),
    );
    box.addEventListener("click", () => onNode(node.name));
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      onNode(node.name);
    });
    root.append(...links, box);
  });
  return root;
}
