// A confirmation in a modal <dialog> (focus stays in it; Escape cancels); resolves true when the
// user confirms.
import { h } from "./dom.ts";

export function confirmAction(title: string, text: string, confirmLabel: string): Promise<boolean> {
  const cancel = h("button", { type: "button", className: "quiet" }, "Cancel");
  const confirm = h("button", { type: "submit", className: "danger" }, confirmLabel);
  const dialog = h(
    "dialog",
    { attrs: { "aria-labelledby": "dialog-title" } },
    h(
      "form",
      { method: "dialog" },
      h("h2", { id: "dialog-title" }, title),
      h("p", {}, text),
      h("div", { className: "actions" }, cancel, confirm),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let confirmed = false;
    confirm.addEventListener("click", () => {
      confirmed = true;
    });
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(confirmed);
    });
    dialog.showModal();
    cancel.focus();
  });
}
