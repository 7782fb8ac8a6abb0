// The audit log (instructors): logins, resets, captures, destroys, newest first, 100 at a time.
import { type AuditRecord, api } from "../api.ts";
import { fill, formatTime, h } from "../dom.ts";
import type { PageContext } from "../router.ts";

function row(record: AuditRecord): HTMLTableRowElement {
  return h(
    "tr",
    {},
    h("td", {}, String(record.seq)),
    h("td", {}, formatTime(record.at)),
    h("td", {}, record.actor),
    h("td", {}, record.action),
    h("td", {}, record.target),
    h("td", { className: "mono" }, record.detail === null ? "" : JSON.stringify(record.detail)),
  );
}

export async function auditPage({ main }: PageContext): Promise<void> {
  const body = h("tbody");
  const more = h("button", { type: "button" }, "Older records");
  let oldest: number | undefined;
  const load = async () => {
    more.disabled = true;
    const records = await api.audit(oldest);
    body.append(...records.map(row));
    oldest = records.at(-1)?.seq;
    more.disabled = false;
    more.hidden = records.length < 100;
  };
  fill(
    main,
    h("h1", {}, "Audit log"),
    h(
      "table",
      { className: "audit" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ...["#", "When", "Who", "Action", "Target", "Detail"].map((t) => h("th", {}, t)),
        ),
      ),
      body,
    ),
    more,
  );
  more.addEventListener("click", () => void load());
  await load();
}
