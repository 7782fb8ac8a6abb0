// The class grid for TAs and instructors: each class's students and their labs with live state,
// and bulk spin-up of a topology for a whole class with a progress bar.
import {
  api,
  type ClassInfo,
  type JobEvent,
  type LabSummary,
  readJobEvents,
  type Topology,
} from "../api.ts";
import { errorMessage, fill, h, stateBadge, statusLine } from "../dom.ts";
import { poll, REFRESH_MS } from "../poll.ts";
import type { PageContext } from "../router.ts";
import { topologySelect } from "../topology-select.ts";
import { gradebookSection } from "./gradebook.ts";
import { labLink } from "./labs.ts";

export async function classesPage({ main, signal }: PageContext): Promise<void> {
  const [classes, topologies] = await Promise.all([api.classes(), api.topologies()]);
  fill(main, h("h1", {}, "Classes"));
  if (classes.length === 0) {
    main.append(
      h("p", {}, "No class yet. An instructor creates one from a roster (POST /api/classes)."),
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
        spinUpForm(record, topologies, signal),
        grid,
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
