// Client routes by path (/labs/ID...), with the history API; the service answers index.html for
// any of them. Each page gets a signal aborted when the user leaves it, to stop its polling,
// streams and sockets.
import type { Me } from "./api.ts";

export interface PageContext {
  main: HTMLElement;
  me: Me;
  params: Record<string, string>;
  query: URLSearchParams;
  signal: AbortSignal;
}

export type Page = (context: PageContext) => void | Promise<void>;

interface Route {
  pattern: RegExp;
  names: string[];
  page: Page;
}

const routes: Route[] = [];

/** `path` such as "/labs/:id". */
export function route(path: string, page: Page): void {
  const names: string[] = [];
  const source = path.replace(/:(\w+)/g, (_, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  routes.push({ pattern: new RegExp(`^${source}$`), names, page });
}

export function match(pathname: string): { page: Page; params: Record<string, string> } | null {
  for (const { pattern, names, page } of routes) {
    const found = pattern.exec(pathname);
    if (!found) continue;
    const params: Record<string, string> = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(found[i + 1] as string);
    });
    return { page, params };
  }
  return null;
}

let onNavigate: () => void = () => {};

export function startRouter(render: () => void): void {
  onNavigate = render;
  window.addEventListener("popstate", render);
  // Same-origin links are handled here rather than by a page load.
  document.addEventListener("click", (event) => {
    const link = (event.target as Element).closest?.("a");
    if (
      !link ||
      link.target ||
      link.hasAttribute("download") ||
      link.origin !== location.origin ||
      link.pathname.startsWith("/api/") ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey
    ) {
      return;
    }
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
  render();
}

export function navigate(path: string): void {
  history.pushState(null, "", path);
  onNavigate();
}

/** Renders the current page again (after a change that it shows). */
export function refresh(): void {
  onNavigate();
}
