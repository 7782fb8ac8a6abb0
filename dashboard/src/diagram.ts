// A lab's diagram: laid out by elkjs (layered), networks as rounded "clouds" with their subnets,
// nodes as boxes with their role and state, each link labelled with the node's address there,
// routers between their networks. Text is drawn at its own size (13 and 11 px at zoom 1): a big
// lab is panned (drag, or the arrow keys) and zoomed (buttons, + and -, Ctrl+wheel), never
// shrunk to fit. Activating a node (click, Enter or Space) calls `onNode`.
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api";
import type { LabStatus } from "./api.ts";
import { type DiagramBox, diagramGraph, type Measure } from "./diagram-graph.ts";
import { h } from "./dom.ts";

const SVG = "http://www.w3.org/2000/svg";
const ZOOMS = [0.5, 0.67, 0.8, 1, 1.25, 1.5, 2];
const PAN_STEP = 60;

const elk = new ELK();

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

const FONTS = {
  bold: "700 PXpx system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  plain: "400 PXpx system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  mono: "400 PXpx ui-monospace, monospace",
};
const context = document.createElement("canvas").getContext("2d");
/** Text widths as the browser will draw them (an estimate where there is no canvas). */
const measure: Measure = (text, px, style) => {
  if (!context) return text.length * px * 0.62;
  context.font = FONTS[style].replace("PX", String(px));
  return context.measureText(text).width;
};

export class LabDiagram {
  readonly element: HTMLElement;
  private readonly view: HTMLElement;
  private readonly onNode: (node: string) => void;
  private readonly zoomLabel: HTMLElement;
  private zoom = 1;
  private x = 0;
  private y = 0;
  private size = { width: 0, height: 0 };
  private svgRoot: SVGSVGElement | null = null;
  private shownShape = "";
  private laidOut: Promise<void> = Promise.resolve();

  constructor(onNode: (node: string) => void) {
    this.onNode = onNode;
    this.view = h("div", {
      className: "diagram-view",
      tabIndex: 0,
      attrs: {
        role: "group",
        "aria-label": "Diagram: drag or use the arrow keys to pan, + and - to zoom",
      },
    });
    this.zoomLabel = h("span", { className: "zoom-level", attrs: { "aria-live": "polite" } });
    const button = (label: string, text: string, action: () => void) => {
      const b = h(
        "button",
        { type: "button", className: "quiet tool", attrs: { "aria-label": label } },
        text,
      );
      b.addEventListener("click", action);
      return b;
    };
    const tools = h(
      "div",
      { className: "diagram-tools" },
      button("Zoom out", "−", () => this.step(-1)),
      button("Zoom in", "+", () => this.step(1)),
      button("Actual size", "1:1", () => this.setZoom(1)),
      button("Fit the whole lab", "Fit", () => this.fit()),
      this.zoomLabel,
    );
    this.element = h("div", { className: "diagram-wrap" }, tools, this.view);
    this.bindPanAndZoom();
  }

  /** Draws `lab`; a new layout only when its nodes, networks or addresses changed. */
  update(lab: LabStatus): Promise<void> {
    const shape = JSON.stringify([
      lab.networks.map((n) => [n.name, n.subnet]),
      lab.nodes.map((n) => [n.name, n.image, n.state, n.addresses]),
    ]);
    if (shape === this.shownShape) return this.laidOut;
    const first = this.shownShape === "";
    this.shownShape = shape;
    const graph = diagramGraph(lab, measure);
    this.laidOut = elk.layout(graph.elk).then((laid) => {
      this.draw(lab, laid, graph.boxes);
      if (first) this.home();
      else this.apply();
    });
    return this.laidOut;
  }

  private draw(lab: LabStatus, laid: ElkNode, boxes: Map<string, DiagramBox>): void {
    this.size = { width: laid.width ?? 0, height: laid.height ?? 0 };
    const root = svg("svg", {
      class: "diagram",
      role: "group",
      "aria-label": `Diagram of ${lab.lab}: ${lab.nodes.length} nodes on ${lab.networks.length} networks`,
    });
    const edges = svg("g", { class: "links" });
    const labels = svg("g", { class: "labels" });
    for (const edge of laid.edges ?? []) {
      for (const section of edge.sections ?? []) {
        const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
        edges.append(svg("polyline", { points: points.map((p) => `${p.x},${p.y}`).join(" ") }));
      }
      for (const label of edge.labels ?? []) {
        const x = label.x ?? 0;
        const y = label.y ?? 0;
        labels.append(
          svg("rect", {
            x,
            y,
            width: label.width ?? 0,
            height: label.height ?? 0,
            rx: 3,
            class: "address-bg",
          }),
          svg(
            "text",
            { x: x + 2, y: y + (label.height ?? 0) - 4, class: "address label" },
            label.text ?? "",
          ),
        );
      }
    }
    const shapes = svg("g", { class: "boxes" });
    for (const child of laid.children ?? []) {
      const value = boxes.get(child.id);
      if (!value) continue;
      shapes.append(this.drawBox(lab, child, value));
    }
    root.append(edges, shapes, labels);
    this.svgRoot = root;
    this.view.replaceChildren(root);
  }

  private drawBox(lab: LabStatus, child: ElkNode, value: DiagramBox): SVGGElement {
    const x = child.x ?? 0;
    const y = child.y ?? 0;
    const width = child.width ?? 0;
    const height = child.height ?? 0;
    const centre = x + width / 2;
    if (value.kind === "network") {
      const network = lab.networks.find((n) => n.name === value.name);
      const classes = [
        "network",
        network?.present === false ? "absent" : "",
        network?.sniffable ? "sniffable" : "",
      ];
      return svg(
        "g",
        { class: classes.join(" ") },
        svg(
          "title",
          {},
          `network ${value.name}, ${value.detail}${network?.sniffable ? " (sniffable)" : ""}`,
        ),
        svg("rect", { x, y, width, height, rx: height / 2, class: "cloud" }),
        svg("text", { x: centre, y: y + 18, class: "net-name label" }, value.name),
        svg("text", { x: centre, y: y + 34, class: "net-subnet label" }, value.detail),
      );
    }
    const node = lab.nodes.find((n) => n.name === value.name);
    const state = node?.state ?? "missing";
    const group = svg(
      "g",
      {
        class: `node ${stateClass(state)}`,
        tabindex: 0,
        role: "button",
        "aria-label": `${value.name}, ${state}: open a terminal`,
      },
      svg("title", {}, `${value.name} (${state}), ${node?.image ?? ""}`),
      svg("rect", { x, y, width, height, rx: 6 }),
      svg("text", { x: centre, y: y + 18, class: "node-name label" }, value.name),
      svg("text", { x: centre, y: y + 34, class: "node-role label" }, value.detail),
    );
    group.addEventListener("click", () => this.onNode(value.name));
    group.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      this.onNode(value.name);
    });
    return group;
  }

  /** Actual size, from the top left; centred when the lab is narrower than the view. */
  private home(): void {
    this.zoom = 1;
    const width = this.view.clientWidth || this.size.width;
    this.x = Math.min(0, (this.size.width - width) / 2);
    this.y = 0;
    this.apply();
  }

  private fit(): void {
    const width = this.view.clientWidth || this.size.width;
    const height = this.view.clientHeight || this.size.height;
    this.zoom = Math.min(2, width / this.size.width, height / this.size.height);
    this.x = (this.size.width - width / this.zoom) / 2;
    this.y = (this.size.height - height / this.zoom) / 2;
    this.apply();
  }

  private step(direction: 1 | -1): void {
    const index = ZOOMS.findIndex((z) => z >= this.zoom - 1e-6);
    const at = index === -1 ? ZOOMS.length - 1 : index;
    this.setZoom(ZOOMS[Math.max(0, Math.min(ZOOMS.length - 1, at + direction))] as number);
  }

  /** Zooms about the view's centre. */
  private setZoom(zoom: number): void {
    const width = this.view.clientWidth;
    const height = this.view.clientHeight;
    const cx = this.x + width / 2 / this.zoom;
    const cy = this.y + height / 2 / this.zoom;
    this.zoom = zoom;
    this.x = cx - width / 2 / zoom;
    this.y = cy - height / 2 / zoom;
    this.apply();
  }

  private apply(): void {
    this.zoomLabel.textContent = `${Math.round(this.zoom * 100)} %`;
    if (!this.svgRoot) return;
    const width = this.view.clientWidth || this.size.width;
    const height = Math.max(this.view.clientHeight, 1);
    this.svgRoot.setAttribute("width", String(width));
    this.svgRoot.setAttribute("height", String(height));
    this.svgRoot.setAttribute(
      "viewBox",
      `${this.x} ${this.y} ${width / this.zoom} ${height / this.zoom}`,
    );
  }

  private bindPanAndZoom(): void {
    let drag: { x: number; y: number; fromX: number; fromY: number } | null = null;
    this.view.addEventListener("pointerdown", (event) => {
      if ((event.target as Element).closest(".node")) return;
      drag = { x: event.clientX, y: event.clientY, fromX: this.x, fromY: this.y };
      this.view.setPointerCapture(event.pointerId);
    });
    this.view.addEventListener("pointermove", (event) => {
      if (!drag) return;
      this.x = drag.fromX - (event.clientX - drag.x) / this.zoom;
      this.y = drag.fromY - (event.clientY - drag.y) / this.zoom;
      this.apply();
    });
    this.view.addEventListener("pointerup", () => {
      drag = null;
    });
    this.view.addEventListener(
      "wheel",
      (event) => {
        // A plain wheel scrolls the page; Ctrl (or a pinch, which browsers send as Ctrl) zooms.
        if (!event.ctrlKey) return;
        event.preventDefault();
        this.step(event.deltaY < 0 ? 1 : -1);
      },
      { passive: false },
    );
    this.view.addEventListener("keydown", (event) => {
      if (event.target !== this.view) return;
      const moves: Record<string, [number, number]> = {
        ArrowLeft: [-PAN_STEP, 0],
        ArrowRight: [PAN_STEP, 0],
        ArrowUp: [0, -PAN_STEP],
        ArrowDown: [0, PAN_STEP],
      };
      const move = moves[event.key];
      if (move) {
        this.x += move[0] / this.zoom;
        this.y += move[1] / this.zoom;
        this.apply();
      } else if (event.key === "+" || event.key === "=") this.step(1);
      else if (event.key === "-") this.step(-1);
      else return;
      event.preventDefault();
    });
    new ResizeObserver(() => this.apply()).observe(this.view);
  }
}
