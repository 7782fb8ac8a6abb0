// The class grid for TAs and instructors: each class's students and their labs with live state,
// and bulk spin-up of a topology for a whole class with a progress bar. Instructors also create
// classes, set the default term, and manage each class's members and sign-ins.
import {
  api,
  type ClassInfo,
  type JobEvent,
  type LabSummary,
  readJobEvents,
  type Topology,
} from "../api.ts";
import { errorMessage, fill, formatTime, h, stateBadge, statusLine } from "../dom.ts";
import { poll, REFRESH_MS } from "../poll.ts";
import { type PageContext, refresh } from "../router.ts";
import { topologySelect } from "../topology-select.ts";
import { membersPanel } from "./class-members.ts";
import { gradebookSection } from "./gradebook.ts";
import { labLink } from "./labs.ts";

/** Classes whose members panel is open, kept open when the page is drawn again. */
const openPanels = new Set<string>();

export async function classesPage({ main, me, signal }: PageContext): Promise<void> {
  const [classes, topologies] = await Promise.all([api.classes(), api.topologies()]);
  const instructor = me.role === "instructor";
  fill(main, h("h1", {}, "Classes"));
  if (instructor) {
    main.append(
      h(
        "div",
        { className: "actions" },
        h("a", { href: "/classes/new", className: "button" }, "New class from a roster"),
        await termSetting(),
      ),
    );
  }
  if (classes.length === 0) {
    main.append(
      h(
        "p",
        {},
        instructor
          ? "No class yet: create one from a roster file."
          : "No class yet. The instructor creates classes.",
      ),
    );
    return;
  }
  const grids = new Map<string, HTMLElement>();
  for (const record of classes) {
    const grid = h("div", { className: "grid-wrap" });
    grids.set(record.id, grid);
    main.append(
      h(
        "section",
        { className: "card", attrs: { "aria-labelledby": `class-${record.id}` } },
        h("h2", { id: `class-${record.id}` }, record.name),
        record.endsAt
          ? h("p", { className: "hint" }, `Term ends ${formatTime(record.endsAt)}`)
          : null,
        spinUpForm(record, topologies, signal),
        grid,
        instructor ? keptOpen(record.id, membersPanel(record, refresh)) : null,
        gradebookSection(record, topologies, signal),
      ),
    );
  }
  let shown = "";
  poll(REFRESH_MS, signal, async () => {
    try {
      const labs = await api.labs();
      const seen = JSON.stringify(labs);
      if (seen === shown) return;
      shown = seen;
      for (const record of classes)
        fill(grids.get(record.id) as HTMLElement, classGrid(record, labs));
    } catch (error) {
      shown = "";
      for (const grid of grids.values()) fill(grid, errorMessage(error));
    }
  });
}

function keptOpen(id: string, details: HTMLDetailsElement): HTMLDetailsElement {
  details.open = openPanels.has(id);
  details.addEventListener("toggle", () => {
    if (details.open) openPanels.add(id);
    else openPanels.delete(id);
  });
  return details;
}

/** The default term of new classes, in days. */
async function termSetting(): Promise<HTMLElement> {
  const { classTermDays } = await api.settings();
  const days = h("input", {
    id: "class-term-days",
    type: "number",
    min: "1",
    max: "730",
    value: String(classTermDays),
  });
  const status = statusLine();
  const form = h(
    "form",
    { className: "inline" },
    h("label", { htmlFor: days.id }, "Default term of a new class (days)"),
    days,
    h("button", { type: "submit" }, "Save"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.saveSettings({ classTermDays: Number(days.value) });
      fill(status, "Saved.");
    } catch (error) {
      fill(status, errorMessage(error));
    }
  });
  return form;
}

function classGrid(record: ClassInfo, labs: LabSummary[]): HTMLElement {
  if (record.students.length === 0) return h("p", {}, "No students.");
  return h(
    "ul",
    { className: "class-grid", attrs: { "aria-label": `Students of ${record.name}` } },
    ...record.students.map((student) => {
      const theirs = labs.filter((lab) => lab.owner === student.login);
      return h(
        "li",
        { className: "student" },
        h("h3", {}, student.name, " ", h("span", { className: "login" }, student.login)),
        theirs.length === 0
          ? h("p", { className: "hint" }, "no lab")
          : h(
              "ul",
              { className: "plain" },
              ...theirs.map((lab) =>
                h(
                  "li",
                  {},
                  labLink(lab.lab),
                  " ",
                  stateBadge(lab.state),
                  h("span", { className: "count" }, ` ${lab.running}/${lab.nodes} running`),
                ),
              ),
            ),
      );
    }),
  );
}

function spinUpForm(record: ClassInfo, topologies: Topology[], signal: AbortSignal): HTMLElement {
  const id = `spin-${record.id}`;
  const topology = topologySelect(`${id}-topology`, topologies);
  const concurrency = h("input", {
    id: `${id}-concurrency`,
    type: "number",
    min: "1",
    max: "32",
    value: "4",
  });
  const button = h("button", { type: "submit" }, "Spin up for the class");
  const progress = h("progress", {
    max: Math.max(record.students.length, 1),
    value: 0,
    hidden: true,
    attrs: { "aria-label": `Spin-up progress for ${record.name}` },
  });
  const status = statusLine();
  const failures = h("ul", { className: "errors" });
  const form = h(
    "form",
    { className: "inline" },
    h("label", { htmlFor: topology.id }, "Topology"),
    topology,
    h("label", { htmlFor: concurrency.id }, "At once"),
    concurrency,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    failures.replaceChildren();
    try {
      const job = await api.spinUp(record.id, topology.value, Number(concurrency.value));
      const total = job.items.length;
      let ready = 0;
      let failed = 0;
      progress.max = Math.max(total, 1);
      progress.value = 0;
      progress.hidden = false;
      status.textContent = `Bringing up ${topology.value} for ${total} students…`;
      await readJobEvents(
        `/api/jobs/${encodeURIComponent(job.id)}/events`,
        (event: JobEvent) => {
          if (event.type === "ready") ready++;
          if (event.type === "failed") {
            failed++;
            failures.append(h("li", {}, `${event.student}: ${event.error}`));
          }
          progress.value = ready + failed;
          status.textContent =
            event.type === "summary"
              ? `Done: ${event.ready} ready, ${event.failed} failed of ${event.total}.`
              : `${ready} ready, ${failed} failed of ${total}…`;
        },
        signal,
      );
    } catch (error) {
      if (!signal.aborted) fill(status, errorMessage(error));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { className: "spin-up" }, form, progress, status, failures);
}
