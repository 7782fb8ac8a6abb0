// Terminals in tabs (WAI-ARIA tabs: arrow keys move between tabs, each tab has a close button).
import { h } from "./dom.ts";
import { type TerminalTarget, TerminalView } from "./terminal.ts";

interface Tab {
  id: string;
  button: HTMLButtonElement;
  wrapper: HTMLElement;
  panel: HTMLElement;
  view: TerminalView;
}

let nextId = 0;

export class TerminalTabs {
  readonly element: HTMLElement;
  private readonly list: HTMLElement;
  private readonly panels: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly tabs: Tab[] = [];

  constructor(signal: AbortSignal) {
    this.list = h("div", {
      className: "tablist",
      attrs: { role: "tablist", "aria-label": "Terminals" },
    });
    this.empty = h(
      "p",
      { className: "hint" },
      "No terminal open. Choose a node in the diagram or the node list to open one.",
    );
    this.panels = h("div", { className: "tabpanels" }, this.empty);
    this.element = h(
      "section",
      { className: "terminals", attrs: { "aria-label": "Terminals" } },
      this.list,
      this.panels,
    );
    this.list.addEventListener("keydown", (event) => this.onKey(event));
    signal.addEventListener("abort", () => {
      for (const tab of this.tabs) tab.view.dispose();
    });
  }

  open(target: TerminalTarget, label: string): void {
    const id = `term-${nextId++}`;
    const button = h(
      "button",
      {
        type: "button",
        id: `${id}-tab`,
        className: "tab",
        attrs: { role: "tab", "aria-controls": id, "aria-selected": "false" },
      },
      label,
    );
    // Leaving the terminal (Ctrl+Shift+Up) puts the focus on its tab.
    const view = new TerminalView(target, () => button.focus());
    const close = h(
      "button",
      {
        type: "button",
        className: "tab-close",
        title: `Close ${label}`,
        attrs: { "aria-label": `Close ${label}` },
      },
      "×",
    );
    const wrapper = h("span", { className: "tab-wrap" }, button, close);
    const panel = h("div", {
      id,
      className: "tabpanel",
      hidden: true,
      attrs: { role: "tabpanel", "aria-labelledby": `${id}-tab` },
    });
    panel.append(view.element);
    const tab = { id, button, wrapper, panel, view };
    button.addEventListener("click", () => this.select(tab));
    close.addEventListener("click", () => this.close(tab));
    this.tabs.push(tab);
    this.list.append(wrapper);
    this.empty.remove();
    this.panels.append(panel);
    this.select(tab);
    view.start();
    view.focus();
  }

  private select(tab: Tab): void {
    for (const other of this.tabs) {
      const selected = other === tab;
      other.button.setAttribute("aria-selected", String(selected));
      other.button.tabIndex = selected ? 0 : -1;
      other.panel.hidden = !selected;
    }
    tab.view.fit();
    tab.view.focus();
  }

  private close(tab: Tab): void {
    const at = this.tabs.indexOf(tab);
    this.tabs.splice(at, 1);
    tab.view.dispose();
    tab.wrapper.remove();
    tab.panel.remove();
    const next = this.tabs[Math.min(at, this.tabs.length - 1)];
    if (next) this.select(next);
    else this.panels.append(this.empty);
  }

  private onKey(event: KeyboardEvent): void {
    const at = this.tabs.findIndex((t) => t.button === document.activeElement);
    if (at < 0 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    const step = event.key === "ArrowRight" ? 1 : -1;
    const next = this.tabs[(at + step + this.tabs.length) % this.tabs.length] as Tab;
    this.select(next);
    next.button.focus();
  }
}
