// The topology library for staff: each entry with its problems, its YAML, handout and files to
// read; for instructors, uploading a topology folder as an archive (every problem shown at its
// file, line and column, nothing saved until there is none) and retiring entries.
import { api, type Topology } from "../api.ts";
import { confirmAction } from "../dialog.ts";
import { errorMessage, fill, h, statusLine } from "../dom.ts";
import { problems } from "../problems.ts";
import { type PageContext, refresh } from "../router.ts";

export async function libraryPage({ main, me }: PageContext): Promise<void> {
  const topologies = await api.topologies();
  const instructor = me.role === "instructor";
  fill(main, h("h1", {}, "Topology library"), instructor ? uploadForm() : null);
  if (topologies.length === 0) main.append(h("p", {}, "The library is empty."));
  else
    main.append(
      h("ul", { className: "plain library" }, ...topologies.map((t) => entry(t, instructor))),
    );
}

/** An archive's bytes in base64, in slices (a whole file at once overflows the call stack). */
async function base64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function uploadForm(): HTMLElement {
  const file = h("input", {
    id: "topology-archive",
    type: "file",
    required: true,
    accept: ".tar.gz,.tgz,.tar,.zip",
  });
  const overwrite = h("input", { id: "topology-overwrite", type: "checkbox" });
  const button = h("button", { type: "submit" }, "Upload");
  const status = statusLine();
  const form = h(
    "form",
    { className: "card stacked", attrs: { "aria-label": "Upload a topology" } },
    h("label", { htmlFor: file.id }, "Topology folder (.tar.gz, .tgz, .tar or .zip)"),
    file,
    h(
      "p",
      { className: "hint" },
      "topology.yaml at its top (or in one folder), its handout README.md and its source files; no links. At most 8 MiB, 16 MiB unpacked.",
    ),
    h("label", {}, overwrite, " Replace the entry of the same name (the old one is retired)"),
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    button.disabled = true;
    fill(status, "Checking the topology…");
    try {
      const { name } = await api.uploadTopology(await base64(chosen), overwrite.checked);
      fill(status, `Added ${name} to the library.`);
      refresh();
    } catch (error) {
      fill(status, problems(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function entry(topology: Topology, instructor: boolean): HTMLElement {
  const details = h("div", { className: "entry-view", hidden: true });
  const view = h("button", { type: "button", className: "quiet" }, "View");
  view.addEventListener("click", async () => {
    details.hidden = !details.hidden;
    if (details.hidden || details.childElementCount > 0) return;
    try {
      const shown = await api.topology(topology.name);
      fill(
        details,
        h("h3", {}, "Files"),
        h("ul", {}, ...shown.files.map((f) => h("li", {}, h("code", {}, f)))),
        h("h3", {}, "topology.yaml"),
        h("pre", { className: "source" }, shown.yaml),
        shown.handout === null ? null : h("h3", {}, "Handout (README.md)"),
        shown.handout === null ? null : h("pre", { className: "source" }, shown.handout),
      );
    } catch (error) {
      fill(details, errorMessage(error));
    }
  });
  const status = statusLine();
  const retire = h("button", { type: "button", className: "danger" }, "Retire");
  retire.addEventListener("click", async () => {
    const ok = await confirmAction(
      `Retire ${topology.name}`,
      "It leaves the library (kept aside on the server); labs made from it keep running.",
      "Retire",
    );
    if (!ok) return;
    try {
      await api.retireTopology(topology.name);
      refresh();
    } catch (error) {
      fill(status, errorMessage(error));
    }
  });
  return h(
    "li",
    { className: "card", attrs: { "data-topology": topology.name } },
    h("h2", {}, topology.name),
    h("p", { className: "hint" }, topology.description ?? ""),
    topology.diagnostics.length > 0
      ? h(
          "ul",
          { className: "errors" },
          ...topology.diagnostics.map((d) =>
            h(
              "li",
              {},
              `${d.file}:${d.line}:${d.col} ${d.field ? `${d.field}: ` : ""}${d.message}`,
            ),
          ),
        )
      : h("p", {}, `${topology.nodes} nodes, ${topology.networks} networks`),
    h("div", { className: "actions" }, view, instructor ? retire : null),
    status,
    details,
  );
}
