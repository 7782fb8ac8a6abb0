// Labs: a student's own, or every lab a TA or instructor may see; refreshed as they change. A
// student can also bring up a library topology for themselves.
import { api, type LabSummary } from "../api.ts";
import { errorMessage, fill, formatTime, h, stateBadge, statusLine } from "../dom.ts";
import { poll, REFRESH_MS } from "../poll.ts";
import { navigate, type PageContext } from "../router.ts";

export function labLink(lab: string): HTMLAnchorElement {
  return h("a", { href: `/labs/${encodeURIComponent(lab)}` }, lab);
}

function labsTable(labs: LabSummary[], showOwner: boolean): HTMLElement {
  if (labs.length === 0) return h("p", {}, "No labs yet.");
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", {}, "Lab"),
        showOwner ? h("th", {}, "Student") : null,
        h("th", {}, "Topology"),
        h("th", {}, "State"),
        h("th", {}, "Nodes running"),
        h("th", {}, "Expires"),
      ),
    ),
    h(
      "tbody",
      {},
      ...labs.map((lab) =>
        h(
          "tr",
          {},
          h("td", {}, labLink(lab.lab)),
          showOwner ? h("td", {}, lab.owner) : null,
          h("td", {}, lab.topology),
          h("td", {}, stateBadge(lab.state)),
          h("td", {}, `${lab.running} / ${lab.nodes}`),
          h("td", {}, lab.expiresAt ? formatTime(lab.expiresAt) : "never"),
        ),
      ),
    ),
  );
}

async function startLabForm(): Promise<HTMLElement> {
  const topologies = await api.topologies();
  const select = h(
    "select",
    { id: "new-topology", name: "topology" },
    ...topologies
      .filter((t) => t.diagnostics.length === 0)
      .map((t) =>
        h("option", { value: t.name }, t.description ? `${t.name}: ${t.description}` : t.name),
      ),
  );
  const button = h("button", { type: "submit" }, "Start");
  const status = statusLine();
  const form = h(
    "form",
    { className: "inline" },
    h("label", { htmlFor: "new-topology" }, "Start a lab"),
    select,
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    status.textContent = `Starting ${select.value}… (this can take a minute)`;
    try {
      const lab = await api.createLab(select.value);
      navigate(`/labs/${encodeURIComponent(lab.lab)}`);
    } catch (error) {
      fill(status, errorMessage(error));
      button.disabled = false;
    }
  });
  return form;
}

export async function labsPage({ main, me, signal }: PageContext): Promise<void> {
  const student = me.role === "student";
  const list = h("div");
  let shown = "";
  fill(main, h("h1", {}, student ? "My labs" : "Labs"), list);
  if (student) main.append(h("section", { className: "card" }, await startLabForm()));
  poll(REFRESH_MS, signal, async () => {
    try {
      const labs = await api.labs();
      // Redrawn only when something changed, so that focus and selection stay put.
      const seen = JSON.stringify(labs);
      if (seen !== shown) fill(list, labsTable(labs, !student));
      shown = seen;
    } catch (error) {
      shown = "";
      fill(list, errorMessage(error));
    }
  });
}
