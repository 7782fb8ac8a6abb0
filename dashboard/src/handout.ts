// A lab's handout in the page: Markdown rendered safely, its `node:` links as buttons opening a
// terminal, its `check:` links as the checks' state, a "Check my work" button under each task,
// and a copy button on every code block.
import type { Handout } from "./api.ts";
import type { ChecksState } from "./checks.ts";
import { h } from "./dom.ts";
import { renderMarkdown } from "./markdown.ts";

export interface HandoutActions {
  openNode: (node: string) => void;
  checks: ChecksState;
}

export function handoutView(handout: Handout, actions: HandoutActions): HTMLElement {
  if (handout.markdown === null) {
    return h("p", { className: "hint" }, `The topology ${handout.topology} has no handout.`);
  }
  const body = h("div", { className: "handout-body" });
  body.append(renderMarkdown(handout.markdown));
  for (const link of body.querySelectorAll<HTMLAnchorElement>('a[href^="node:"]')) {
    link.replaceWith(nodeButton(link, actions.openNode));
  }
  for (const link of body.querySelectorAll<HTMLAnchorElement>('a[href^="check:"]')) {
    const id = link.getAttribute("href")?.slice("check:".length) ?? "";
    link.replaceWith(
      id === ""
        ? checkButton(actions.checks, null)
        : checkBadge(link.textContent ?? id, id, actions.checks),
    );
  }
  tasksWithChecks(body, handout, actions.checks);
  for (const pre of body.querySelectorAll("pre")) addCopyButton(pre);
  return body;
}

function nodeButton(link: HTMLAnchorElement, openNode: (node: string) => void): HTMLElement {
  const node = link.getAttribute("href")?.slice("node:".length) ?? "";
  const button = h(
    "button",
    {
      type: "button",
      className: "node-link",
      title: `Open a terminal on ${node}`,
      attrs: { "data-node": node, "aria-label": `Open a terminal on ${node}` },
    },
    link.textContent || node,
  );
  button.addEventListener("click", () => openNode(node));
  return button;
}

/** A check's name with its state (passed, failed, not run), kept up to date. */
function checkBadge(text: string, id: string, checks: ChecksState): HTMLElement {
  const badge = h("span", { className: "check-state", attrs: { "data-check": id } });
  const show = () => {
    const result = checks.result(id);
    const state = result === undefined ? "not run" : result.passed ? "passed" : "failed";
    badge.className = `check-state ${state.replace(" ", "-")}`;
    badge.textContent = `${text}: ${state}`;
  };
  checks.subscribe(show);
  show();
  return badge;
}

/** "Check my work": runs the lab's checks; shows when they last ran. */
function checkButton(checks: ChecksState, task: number | null): HTMLElement {
  const button = h("button", { type: "button", className: "check-work" }, "Check my work");
  const when = h("span", { className: "check-when", attrs: { role: "status" } });
  if (task !== null) button.setAttribute("aria-label", `Check my work on task ${task}`);
  button.addEventListener("click", () => void checks.run());
  const show = () => {
    button.disabled = checks.running;
    when.textContent = checks.running
      ? " checking…"
      : checks.lastRun
        ? ` last checked ${checks.lastRun.toLocaleTimeString()}`
        : " not checked yet";
  };
  checks.subscribe(show);
  show();
  return h("span", { className: "check-work-wrap" }, button, when);
}

/**
 * Under each task of the Tasks section that has checks, a "Check my work" button (its checks'
 * states are its own check: links). Tasks are the top-level items of the first ordered list
 * after the Tasks heading, in the order the service listed them.
 */
function tasksWithChecks(body: HTMLElement, handout: Handout, checks: ChecksState): void {
  const heading = [...body.querySelectorAll("h2")].find((e) =>
    /^Tasks\b/.test(e.textContent ?? ""),
  );
  let list = heading?.nextElementSibling ?? null;
  while (list && list.tagName !== "OL" && list.tagName !== "H2") list = list.nextElementSibling;
  if (list?.tagName !== "OL") return;
  const items = [...list.children].filter((e) => e.tagName === "LI");
  handout.tasks.forEach((task, i) => {
    const item = items[i];
    if (!item || task.checks.length === 0) return;
    item.setAttribute("data-task", String(task.number));
    item.append(h("div", { className: "task-checks" }, checkButton(checks, task.number)));
  });
}

function addCopyButton(pre: HTMLPreElement): void {
  const button = h(
    "button",
    { type: "button", className: "copy quiet", attrs: { "aria-label": "Copy this code" } },
    "Copy",
  );
  button.addEventListener("click", async () => {
    const text = pre.querySelector("code")?.textContent ?? pre.textContent ?? "";
    try {
      await navigator.clipboard.writeText(text);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed";
    }
    setTimeout(() => {
      button.textContent = "Copy";
    }, 1500);
  });
  pre.classList.add("copyable");
  pre.prepend(button);
}
