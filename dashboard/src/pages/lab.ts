// One lab: its handout beside its diagram and terminals (in tabs), its nodes (live state), resets
// with a confirmation, pcap downloads, the lab's checks, and its live terminals (to watch, for
// TAs and instructors).
import { ApiError, api, type LabStatus, type LiveTerminal } from "../api.ts";
import { ChecksState } from "../checks.ts";
import { LabDiagram } from "../diagram.ts";
import { confirmAction } from "../dialog.ts";
import { errorMessage, fill, formatTime, h, stateBadge, statusLine } from "../dom.ts";
import { handoutView } from "../handout.ts";
import { poll, REFRESH_MS } from "../poll.ts";
import { navigate, type PageContext } from "../router.ts";
import { splitPanes } from "../split.ts";
import { TerminalTabs } from "../tabs.ts";
import { captureForm, checksView } from "./lab-panels.ts";

function card(title: string, ...content: (Node | null)[]): HTMLElement {
  const id = `card-${title.toLowerCase().replaceAll(/[^a-z]+/g, "-")}`;
  return h(
    "section",
    { className: "card", attrs: { "aria-labelledby": id } },
    h("h2", { id }, title),
    ...content,
  );
}

export async function labPage({ main, me, params, signal }: PageContext): Promise<void> {
  const id = params.id as string;
  let lab: LabStatus;
  try {
    lab = await api.lab(id);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    fill(
      main,
      h("h1", {}, "Lab not found"),
      h(
        "p",
        { className: "error", attrs: { role: "alert" } },
        `There is no lab ${id}, or it is not yours to see.`,
      ),
      h("p", {}, h("a", { href: "/labs" }, "Back to the labs")),
    );
    return;
  }
  const staff = me.role !== "student";
  const tabs = new TerminalTabs(signal);
  const checks = new ChecksState(id);
  const opened = new Map<string, number>();
  let panes: ReturnType<typeof splitPanes> | null = null;
  const openShell = (node: string) => {
    const count = (opened.get(node) ?? 0) + 1;
    opened.set(node, count);
    panes?.show("second");
    tabs.open({ lab: id, node }, count > 1 ? `${node} ${count}` : node);
  };

  const heading = h("h1", {});
  const facts = h("p", { className: "facts" });
  const diagram = new LabDiagram(openShell);
  const nodes = h("div");
  const status = statusLine();
  const live = h("div");
  const liveCard = card("Live terminals", live);

  /** Runs one of the lab's life steps, saying what it does and then that it is done. */
  const act = async (doing: string, done: string, step: () => Promise<LabStatus>) => {
    status.textContent = doing;
    try {
      show(await step());
      status.textContent = done;
    } catch (error) {
      fill(status, errorMessage(error));
    }
  };
  const reset = async (nodeNames: string[]) => {
    const what = nodeNames.length ? `node ${nodeNames.join(", ")}` : `the whole lab ${id}`;
    const ok = await confirmAction(
      `Reset ${what}?`,
      "Resetting recreates it pristine, with the same addresses: files and processes in it are lost, and its terminals end.",
      "Reset",
    );
    if (ok)
      await act(`Resetting ${what}…`, `Reset ${what}: done.`, () => api.resetLab(id, nodeNames));
  };

  const resetLabButton = h("button", { type: "button", className: "danger" }, "Reset lab…");
  resetLabButton.addEventListener("click", () => reset([]));
  const resumeButton = h("button", { type: "button" }, "Resume");
  resumeButton.addEventListener("click", () =>
    act("Resuming…", "Resumed.", () => api.resumeLab(id)),
  );
  const stopButton = h("button", { type: "button", className: "quiet" }, "Stop…");
  stopButton.addEventListener("click", async () => {
    const ok = await confirmAction(
      `Stop lab ${id}?`,
      "Its nodes stop and their terminals end; every file in them is kept, and Resume starts them again.",
      "Stop",
    );
    if (ok) await act("Stopping…", "Stopped.", () => api.stopLab(id));
  });
  const extendButton = h("button", { type: "button", className: "quiet" }, "Extend");
  extendButton.addEventListener("click", () =>
    act("Extending…", "Extended.", () => api.extendLab(id)),
  );
  const deleteButton = h("button", { type: "button", className: "danger" }, "Delete lab…");
  deleteButton.addEventListener("click", async () => {
    const ok = await confirmAction(
      `Delete lab ${id}?`,
      "Every node and file of the lab is removed for good. You can start the topology again from your labs.",
      "Delete",
    );
    if (!ok) return;
    status.textContent = "Deleting…";
    try {
      await api.deleteLab(id);
      navigate("/labs");
    } catch (error) {
      fill(status, errorMessage(error));
    }
  });
  const timeLeft = h("span", { className: "time-left" });
  let current = lab;
  const showTimeLeft = () => {
    timeLeft.textContent = current.expiresAt
      ? `${formatLeft(Date.parse(current.expiresAt) - Date.now())} left`
      : "no expiry";
    // Students may extend while the lab is expiring; staff at any time (the service decides).
    extendButton.hidden = !current.expiresAt || (!staff && !current.expiring);
  };

  let shown = "";
  const show = (next: LabStatus) => {
    const seen = JSON.stringify(next);
    if (seen === shown) return;
    shown = seen;
    current = next;
    showTimeLeft();
    fill(heading, `Lab ${next.lab} `, stateBadge(next.state));
    fill(
      facts,
      `Topology ${next.topology} · student ${next.owner} · `,
      timeLeft,
      next.expiresAt ? ` (expires ${formatTime(next.expiresAt)})` : null,
      next.expiring ? h("strong", {}, " (expiring soon)") : null,
      next.state === "unavailable"
        ? h(
            "strong",
            { role: "status" },
            " · ",
            "The Docker engine this lab runs on does not answer. Reset lab brings it up anew, pristine, on another engine.",
          )
        : null,
    );
    void diagram.update(next);
    resumeButton.hidden = next.state !== "stopped";
    stopButton.hidden = next.state === "stopped" || next.state === "unavailable";
    fill(
      nodes,
      nodeTable(next, openShell, (node) => reset([node])),
    );
  };
  show(lab);

  let liveShown = "";
  const showLive = (sessions: LiveTerminal[]) => {
    const seen = JSON.stringify(sessions);
    if (seen === liveShown) return;
    liveShown = seen;
    if (sessions.length === 0) {
      fill(live, h("p", {}, "No terminal is open in this lab."));
      return;
    }
    fill(
      live,
      h(
        "ul",
        { className: "plain" },
        ...sessions.map((s) => {
          const watch = s.owner !== me.login;
          const button = h(
            "button",
            {
              type: "button",
              attrs: {
                "aria-label": `${watch ? "Watch" : "Join"} ${s.owner}'s terminal on ${s.node}`,
              },
            },
            watch ? "Watch" : "Join",
          );
          button.addEventListener("click", () =>
            tabs.open(
              { lab: id, node: s.node, session: s.session, watch },
              `${watch ? "watch " : ""}${s.owner}@${s.node}`,
            ),
          );
          return h(
            "li",
            {},
            `${s.node} — ${s.owner}, since ${formatTime(s.startedAt)}, ${s.viewers} viewer(s) `,
            button,
          );
        }),
      ),
    );
  };

  const handout = h(
    "div",
    { className: "handout" },
    h("p", { className: "hint" }, "Loading the handout…"),
  );
  api.handout(id).then(
    (loaded) => fill(handout, handoutView(loaded, { openNode: openShell, checks })),
    (error: unknown) => fill(handout, errorMessage(error)),
  );
  panes = splitPanes(
    { label: "Handout", element: h("section", { attrs: { "aria-label": "Handout" } }, handout) },
    {
      label: "Lab",
      element: h("div", { className: "work" }, card("Diagram", diagram.element), tabs.element),
    },
  );

  fill(
    main,
    heading,
    facts,
    panes.element,
    h(
      "div",
      { className: "lab-cards" },
      card(
        "Nodes",
        nodes,
        h(
          "div",
          { className: "actions" },
          resumeButton,
          stopButton,
          extendButton,
          resetLabButton,
          deleteButton,
        ),
        status,
      ),
      liveCard,
      card("Captures", captureForm(lab)),
      card("Checks", checksView(checks)),
      staff
        ? h(
            "p",
            {},
            h("a", { href: `/recordings?lab=${encodeURIComponent(id)}` }, "Recordings of this lab"),
          )
        : null,
    ),
  );

  poll(REFRESH_MS, signal, async () => {
    try {
      const [next, sessions] = await Promise.all([api.lab(id), api.terminals(id)]);
      show(next);
      showTimeLeft();
      showLive(sessions);
    } catch (error) {
      fill(status, errorMessage(error));
    }
  });
}

function nodeTable(
  lab: LabStatus,
  openShell: (node: string) => void,
  resetNode: (node: string) => void,
): HTMLElement {
  return h(
    "table",
    { className: "nodes" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "Node"),
        h("th", {}, "State"),
        h("th", {}, "Addresses"),
        h("th", {}, h("span", { className: "sr-only" }, "Actions")),
      ),
    ),
    h(
      "tbody",
      {},
      ...lab.nodes.map((node) => {
        const terminal = h(
          "button",
          {
            type: "button",
            disabled: node.state !== "running",
            attrs: { "aria-label": `Open a terminal on ${node.name}` },
          },
          "Terminal",
        );
        terminal.addEventListener("click", () => openShell(node.name));
        const reset = h(
          "button",
          { type: "button", className: "quiet", attrs: { "aria-label": `Reset ${node.name}` } },
          "Reset…",
        );
        reset.addEventListener("click", () => resetNode(node.name));
        return h(
          "tr",
          {},
          h("th", { scope: "row" }, node.name),
          h(
            "td",
            {},
            stateBadge(node.state),
            node.outdated && outdatedBadge(),
            node.stopReason && stopReasonNote(node.stopReason),
          ),
          h(
            "td",
            { className: "mono" },
            ...Object.entries(node.addresses).map(([network, address]) =>
              h("div", {}, `${network} ${address}`),
            ),
          ),
          h("td", { className: "row-actions" }, terminal, reset),
        );
      }),
    ),
  );
}

/** Why socketlab stopped the node (its disk limit), in the words its terminals were told. */
function stopReasonNote(reason: NonNullable<LabStatus["nodes"][number]["stopReason"]>) {
  const message = reason.message.charAt(0).toUpperCase() + reason.message.slice(1);
  return h(
    "p",
    { className: "stop-reason", attrs: { role: "note" } },
    `${message}. `,
    h("span", { className: "hint" }, `(${formatTime(reason.at)})`),
  );
}

/** A node kept on an older build of its image: the student's files stay until a lab reset. */
function outdatedBadge(): HTMLSpanElement {
  return h(
    "span",
    {
      className: "badge outdated",
      title: "A newer image exists. Your files are kept; resetting the whole lab renews this node.",
    },
    "outdated",
  );
}

/** "2 h 05 min", "12 min", "less than a minute": how long until an expiry. */
function formatLeft(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  return hours > 0 ? `${hours} h ${String(minutes % 60).padStart(2, "0")} min` : `${minutes} min`;
}
