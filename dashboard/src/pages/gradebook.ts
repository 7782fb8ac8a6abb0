// A class's gradebook on the Classes page: students x a topology's checks with each latest
// counted result and when it ran, the score, the deadline (set by the instructor; once it has
// run the grid is frozen), "check the whole class now" with a progress bar, and the grid saved
// as CSV or JSON. Checks that run inside a student's node, where the student could fake them, are
// marked in their column.
import {
  api,
  type ClassInfo,
  filenameOf,
  type GradeGrid,
  type JobEvent,
  readJobEvents,
  type Topology,
} from "../api.ts";
import { errorMessage, fill, formatTime, h, saveBlob, statusLine } from "../dom.ts";
import { topologySelect } from "../topology-select.ts";

export function gradebookSection(
  record: ClassInfo,
  topologies: Topology[],
  signal: AbortSignal,
): HTMLElement {
  const id = `grades-${record.id}`;
  const topology = topologySelect(`${id}-topology`, topologies);
  const grid = h("div", { className: "grid-wrap", attrs: { "aria-live": "polite" } });
  const status = statusLine();
  const progress = h("progress", {
    max: Math.max(record.students.length, 1),
    value: 0,
    hidden: true,
    attrs: { "aria-label": `Check progress for ${record.name}` },
  });
  const deadlineInput = h("input", { id: `${id}-deadline`, type: "datetime-local" });

  const show = async () => {
    try {
      fill(grid, gradeTable(await api.grades(record.id, topology.value), record));
    } catch (error) {
      fill(grid, errorMessage(error));
    }
  };
  const button = (label: string, onclick: () => Promise<void>) => {
    const b = h("button", { type: "button" }, label);
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        await onclick();
      } catch (error) {
        if (!signal.aborted) fill(status, errorMessage(error));
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };

  const checkNow = button("Check the whole class now", async () => {
    const job = await api.checkClass(record.id, topology.value);
    let done = 0;
    progress.max = Math.max(job.items.length, 1);
    progress.value = 0;
    progress.hidden = false;
    status.textContent = `Checking ${job.items.length} students…`;
    await readJobEvents(
      `/api/jobs/${encodeURIComponent(job.id)}/events`,
      (event: JobEvent) => {
        if (event.type === "ready" || event.type === "failed") progress.value = ++done;
        if (event.type === "summary") {
          status.textContent = `Checked ${event.ready} of ${event.total} (${event.failed} without a lab or failed).`;
        }
      },
      signal,
    );
    await show();
  });
  const setDeadline = button("Set deadline", async () => {
    if (deadlineInput.value === "") throw new Error("choose a date and time first");
    const at = new Date(deadlineInput.value).toISOString();
    const set = await api.setDeadline(record.id, topology.value, at);
    status.textContent = `Deadline for ${set.topology}: ${formatTime(set.at)}.`;
    await show();
  });
  const download = (format: "csv" | "json") =>
    button(`Download ${format.toUpperCase()}`, async () => {
      const response = await api.gradesFile(record.id, topology.value, format);
      saveBlob(await response.blob(), filenameOf(response, `grades-${topology.value}.${format}`));
    });

  topology.addEventListener("change", show);
  void show();
  return h(
    "section",
    { className: "gradebook", attrs: { "aria-label": `Grades of ${record.name}` } },
    h("h3", {}, "Grades"),
    h(
      "div",
      { className: "inline" },
      h("label", { htmlFor: topology.id }, "Graded topology"),
      topology,
      checkNow,
      download("csv"),
      download("json"),
    ),
    h(
      "div",
      { className: "inline" },
      h("label", { htmlFor: deadlineInput.id }, "Deadline"),
      deadlineInput,
      setDeadline,
    ),
    progress,
    status,
    grid,
  );
}

function gradeTable(grid: GradeGrid, record: ClassInfo): HTMLElement {
  const deadline = grid.deadline
    ? grid.frozen
      ? `Deadline ${formatTime(grid.deadline.at)}: its checks ran ${formatTime(grid.deadline.firedAt ?? grid.deadline.at)}; the grades are frozen.`
      : `Deadline ${formatTime(grid.deadline.at)}: every student's checks run then, and later runs do not count.`
    : "No deadline: every run counts.";
  if (grid.checks.length === 0) return h("p", {}, `${grid.topology} has no checks.`);
  return h(
    "div",
    {},
    h("p", { className: grid.frozen ? "frozen" : "hint" }, deadline),
    h(
      "table",
      {
        className: "grades",
        attrs: { "aria-label": `Grades of ${record.name} for ${grid.topology}` },
      },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Student"),
          ...grid.checks.map((c) =>
            h(
              "th",
              { scope: "col", title: c.task },
              c.id,
              c.vantage === "node"
                ? h(
                    "span",
                    { className: "in-node", title: "runs inside the student's node" },
                    " (in node)",
                  )
                : null,
            ),
          ),
          h("th", { scope: "col" }, "Score"),
        ),
      ),
      h(
        "tbody",
        {},
        ...grid.students.map((s) =>
          h(
            "tr",
            { attrs: { "data-login": s.login } },
            h("th", { scope: "row" }, s.name, " ", h("span", { className: "login" }, s.login)),
            ...grid.checks.map((c) => {
              const cell = s.cells[c.id];
              if (!cell)
                return h("td", { className: "not-run", attrs: { "data-check": c.id } }, "not run");
              return h(
                "td",
                {
                  className: cell.passed ? "pass" : "fail",
                  title: formatTime(cell.ranAt),
                  attrs: { "data-check": c.id },
                },
                h("span", { className: "badge" }, cell.passed ? "pass" : "fail"),
                h("span", { className: "when" }, ` ${formatTime(cell.ranAt)}`),
              );
            }),
            h("td", { className: "score" }, `${s.score}/${grid.checks.length}`),
          ),
        ),
      ),
    ),
  );
}
