// A tiny element builder: h("button", { type: "button", onclick }, "Reset") and the like. Plain
// DOM, typed by tag name, so that pages stay short without a framework.

type Child = Node | string | number | null | undefined | false;
type Props<K extends keyof HTMLElementTagNameMap> = Partial<
  Omit<HTMLElementTagNameMap[K], "style" | "dataset">
> & {
  /** Attributes set as they are (aria-*, role, for, data-*...). */
  attrs?: Record<string, string>;
};

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  const { attrs, ...rest } = props;
  Object.assign(element, rest);
  for (const [name, value] of Object.entries(attrs ?? {})) element.setAttribute(name, value);
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the element's content. */
export function fill(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** A polite status line for screen readers; its text is set as things happen. */
export function statusLine(className = "status"): HTMLParagraphElement {
  return h("p", { className, attrs: { role: "status", "aria-live": "polite" } });
}

/** A state badge: its class gives the colour (style.css, .state-running and the like). */
export function stateBadge(state: string): HTMLSpanElement {
  return h("span", { className: `badge state-${state}` }, state);
}

/** Saves a blob under `filename`, as a download link would. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = h("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** An error shown to the user (the service's messages are written for users). */
export function errorMessage(error: unknown): HTMLParagraphElement {
  const text = error instanceof Error ? error.message : String(error);
  return h("p", { className: "error", attrs: { role: "alert" } }, text);
}
