// Two panes side by side with a splitter between them (WAI-ARIA window splitter: drag it, or
// focus it and use the arrow keys, Home and End); on narrow screens the panes are tabs instead.
import { h } from "./dom.ts";

const MIN = 20;
const MAX = 75;
const STEP = 5;

export function splitPanes(
  first: { label: string; element: HTMLElement },
  second: { label: string; element: HTMLElement },
  startPercent = 42,
): { element: HTMLElement; show: (pane: "first" | "second") => void } {
  const root = h("div", { className: "split" });
  let percent = startPercent;
  const splitter = h("div", {
    className: "splitter",
    tabIndex: 0,
    attrs: {
      role: "separator",
      "aria-orientation": "vertical",
      "aria-label": `Resize ${first.label} and ${second.label}`,
      "aria-valuemin": String(MIN),
      "aria-valuemax": String(MAX),
    },
  });
  const set = (next: number) => {
    percent = Math.min(MAX, Math.max(MIN, next));
    root.style.setProperty("--split", `${percent}%`);
    splitter.setAttribute("aria-valuenow", String(Math.round(percent)));
    // Terminals follow their pane's size (a ResizeObserver in terminal.ts).
  };
  set(percent);
  splitter.addEventListener("keydown", (event) => {
    const moves: Record<string, number> = {
      ArrowLeft: percent - STEP,
      ArrowRight: percent + STEP,
      Home: MIN,
      End: MAX,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    set(next);
  });
  splitter.addEventListener("pointerdown", (event) => {
    splitter.setPointerCapture(event.pointerId);
    const box = root.getBoundingClientRect();
    const move = (e: PointerEvent) => set(((e.clientX - box.left) / box.width) * 100);
    const up = () => {
      splitter.removeEventListener("pointermove", move);
      splitter.removeEventListener("pointerup", up);
    };
    splitter.addEventListener("pointermove", move);
    splitter.addEventListener("pointerup", up);
  });

  const tabs = h("div", {
    className: "pane-tabs",
    attrs: { role: "tablist", "aria-label": "Panes" },
  });
  const buttons = {
    first: h("button", { type: "button", attrs: { role: "tab" } }, first.label),
    second: h("button", { type: "button", attrs: { role: "tab" } }, second.label),
  };
  const show = (pane: "first" | "second") => {
    root.dataset.pane = pane;
    buttons.first.setAttribute("aria-selected", String(pane === "first"));
    buttons.second.setAttribute("aria-selected", String(pane === "second"));
  };
  buttons.first.addEventListener("click", () => show("first"));
  buttons.second.addEventListener("click", () => show("second"));
  tabs.append(buttons.first, buttons.second);
  show("first");

  first.element.classList.add("pane", "pane-first");
  second.element.classList.add("pane", "pane-second");
  root.append(tabs, first.element, splitter, second.element);
  return { element: root, show };
}
