// Two panels of the lab page: the capture of a network's traffic (a pcap download) and the
// lab's checks with their last results and the history of every run.
import { api, type CheckHistoryEntry, filenameOf, type LabStatus } from "../api.ts";
import type { ChecksState } from "../checks.ts";
import { errorMessage, fill, formatTime, h, saveBlob, statusLine } from "../dom.ts";

export function captureForm(lab: LabStatus): HTMLElement {
  const network = h(
    "select",
    { id: "capture-network" },
    ...lab.networks.map((n) => h("option", { value: n.name }, n.name)),
  );
  const seconds = h("input", {
    id: "capture-seconds",
    type: "number",
    min: "1",
    max: "120",
    value: "10",
  });
  const button = h("button", { type: "submit" }, "Record and download pcap");
  const status = statusLine();
  const form = h(
    "form",
    { className: "inline" },
    h("label", { htmlFor: "capture-network" }, "Network"),
    network,
    h("label", { htmlFor: "capture-seconds" }, "Seconds"),
    seconds,
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = `Recording ${network.value} for ${seconds.value} s…`;
    try {
      const response = await api.capture(lab.lab, network.value, Number(seconds.value));
      saveBlob(await response.blob(), filenameOf(response, `${lab.lab}-${network.value}.pcap`));
      status.textContent = "Downloaded.";
    } catch (error) {
      fill(status, errorMessage(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export function checksView(checks: ChecksState): HTMLElement {
  const list = h("div");
  const button = h("button", { type: "button" }, "Re-check");
  const status = statusLine();
  const show = () => {
    button.disabled = checks.running;
    if (checks.running) {
      status.textContent = "Checking…";
      return;
    }
    if (checks.error) {
      status.textContent = "";
      fill(list, errorMessage(checks.error));
      return;
    }
    if (!checks.lastRun) {
      fill(list, h("p", {}, "Not checked yet."));
      return;
    }
    const results = checks.all;
    const passed = results.filter((r) => r.passed).length;
    status.textContent = results.length
      ? `${passed} of ${results.length} tasks achieved (checked ${checks.lastRun.toLocaleTimeString()}).`
      : "";
    fill(
      list,
      results.length === 0
        ? h("p", {}, "This lab has no checks.")
        : h(
            "ul",
            { className: "plain checks" },
            ...results.map((r) =>
              h(
                "li",
                { className: r.passed ? "pass" : "fail", attrs: { "data-check": r.id } },
                h("span", { className: "badge" }, r.passed ? "pass" : "fail"),
                ` ${r.task}`,
                r.passed || !r.output
                  ? null
                  : h("details", {}, h("summary", {}, "output"), h("pre", {}, r.output)),
              ),
            ),
          ),
    );
  };
  checks.subscribe(show);
  button.addEventListener("click", () => void checks.run());
  void checks.load();
  return h(
    "div",
    {},
    list,
    h("div", { className: "actions" }, button),
    status,
    historyView(checks),
  );
}

/** Every stored run of the lab's checks, read when opened and again after each run. */
function historyView(checks: ChecksState): HTMLElement {
  const body = h("div");
  const details = h("details", { className: "check-history" }, h("summary", {}, "History"), body);
  const load = async () => {
    if (!details.open) return;
    try {
      fill(body, historyTable(await api.checkHistory(checks.lab)));
    } catch (error) {
      fill(body, errorMessage(error));
    }
  };
  details.addEventListener("toggle", () => void load());
  checks.subscribe(() => {
    if (!checks.running) void load();
  });
  return details;
}

function historyTable(entries: CheckHistoryEntry[]): HTMLElement {
  if (entries.length === 0) return h("p", {}, "No run yet.");
  return h(
    "table",
    { attrs: { "aria-label": "Check history" } },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ...["When", "Check", "Result", "Asked by", ""].map((t) => h("th", { scope: "col" }, t)),
      ),
    ),
    h(
      "tbody",
      {},
      ...entries.map((e) =>
        h(
          "tr",
          { className: e.passed ? "pass" : "fail" },
          h("td", {}, formatTime(e.ranAt)),
          h("td", { title: e.task }, e.check),
          h("td", {}, h("span", { className: "badge" }, e.passed ? "pass" : "fail")),
          h("td", {}, e.triggeredBy),
          h("td", { className: "hint" }, e.graded ? "" : "after the deadline: not counted"),
        ),
      ),
    ),
  );
}
