// An instructor's hold on a class's sign-ins: each member's state with a new login link
// (reissue), revoke and remove; more students and TAs from a roster file; the term's end.
import { api, type ClassInfo, type Member } from "../api.ts";
import { confirmAction } from "../dialog.ts";
import { errorMessage, fill, h, statusLine } from "../dom.ts";
import { type IssuedLogin, loginLinksPanel } from "../login-links.ts";
import { problems } from "../problems.ts";
import { readRosterFile } from "../roster.ts";
import { endOfDay, taNames } from "./class-new.ts";

/** The class's members and forms; `changed` reloads the class page. */
export function membersPanel(record: ClassInfo, changed: () => void): HTMLDetailsElement {
  const links = h("div", { className: "issued" });
  const status = statusLine();
  const show = (title: string, people: IssuedLogin[]) =>
    fill(links, loginLinksPanel(title, people, `${record.name}-login-links.csv`));
  const row = (member: Member, role: "student" | "TA") => {
    const act = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        fill(status, errorMessage(error));
      }
    };
    const signIn = h(
      "td",
      {},
      member.revoked ? h("span", { className: "badge state-stopped" }, "revoked") : "active",
    );
    const reissue = h("button", { type: "button" }, "New link");
    reissue.addEventListener("click", () =>
      act(async () => {
        const ok = await confirmAction(
          `New login link for ${member.login}`,
          "Their old link stops working at once and their open terminals close.",
          "Make a new link",
        );
        if (!ok) return;
        const { token } = await api.reissue(member.login);
        show(`New login link of ${member.login}`, [{ ...member, role, token }]);
        // Drawn in place, not by reloading the page, which would lose the link shown once.
        fill(signIn, "active");
        revoke.disabled = false;
        fill(status, `${member.login} has a new link; the old one no longer works.`);
      }),
    );
    const revoke = h("button", { type: "button", className: "danger" }, "Revoke");
    revoke.disabled = member.revoked;
    revoke.addEventListener("click", () =>
      act(async () => {
        const ok = await confirmAction(
          `Revoke ${member.login}'s sign-in`,
          "Their login link stops working at once and their open terminals close. A new link can be made later.",
          "Revoke",
        );
        if (!ok) return;
        await api.revoke(member.login);
        changed();
      }),
    );
    const remove = h("button", { type: "button", className: "quiet" }, "Remove");
    remove.addEventListener("click", () =>
      act(async () => {
        const ok = await confirmAction(
          `Remove ${member.login} from ${record.name}`,
          "Their account and sign-in go; their labs stay until they expire or are destroyed.",
          "Remove",
        );
        if (!ok) return;
        await api.removeMember(record.id, member.login);
        changed();
      }),
    );
    return h(
      "tr",
      { attrs: { "data-login": member.login } },
      h("td", {}, member.name),
      h("td", {}, member.login),
      h("td", {}, role),
      signIn,
      h("td", { className: "actions" }, reissue, revoke, remove),
    );
  };
  return h(
    "details",
    { className: "members" },
    h(
      "summary",
      {},
      `Members and sign-ins (students: ${record.students.length}, TAs: ${record.tas.length})`,
    ),
    termForm(record, changed),
    h(
      "table",
      { attrs: { "aria-label": `Members of ${record.name}` } },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", {}, "Name"),
          h("th", {}, "Login"),
          h("th", {}, "Role"),
          h("th", {}, "Sign-in"),
          h("th", {}, ""),
        ),
      ),
      h(
        "tbody",
        {},
        ...record.students.map((m) => row(m, "student")),
        ...record.tas.map((m) => row(m, "TA")),
      ),
    ),
    status,
    addForm(record, (people) => show(`Login links of the new members of ${record.name}`, people)),
    links,
  );
}

function termForm(record: ClassInfo, changed: () => void): HTMLElement {
  const id = `term-${record.id}`;
  const ends = h("input", {
    id,
    type: "date",
    value: record.endsAt ? record.endsAt.slice(0, 10) : "",
  });
  const button = h("button", { type: "submit" }, "Set the term's end");
  const status = statusLine();
  const form = h(
    "form",
    { className: "inline" },
    h("label", { htmlFor: id }, "Term ends (its sign-ins stop then)"),
    ends,
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api.setClassEnd(record.id, ends.value ? endOfDay(ends.value) : null);
      changed();
    } catch (error) {
      fill(status, errorMessage(error));
    }
  });
  return form;
}

function addForm(record: ClassInfo, issued: (people: IssuedLogin[]) => void): HTMLElement {
  const id = `add-${record.id}`;
  const roster = h("input", { id: `${id}-roster`, type: "file", accept: ".csv,.json,.txt" });
  const tas = h("input", { id: `${id}-tas` });
  const button = h("button", { type: "submit" }, "Add");
  const status = statusLine();
  const form = h(
    "form",
    { className: "stacked", attrs: { "aria-label": `Add members to ${record.name}` } },
    h("h3", {}, "Add members"),
    h("label", { htmlFor: roster.id }, "Students (a roster file, as for a new class)"),
    roster,
    h("label", { htmlFor: tas.id }, "TAs (names, comma-separated)"),
    tas,
    button,
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    try {
      const file = roster.files?.[0];
      const added = await api.addMembers(record.id, {
        ...(file ? await readRosterFile(file) : {}),
        tas: taNames(tas.value),
      });
      form.reset();
      fill(status, `Added ${added.students.length} students and ${added.tas.length} TAs.`);
      issued([
        ...added.students.map((s) => ({ ...s, role: "student" })),
        ...added.tas.map((t) => ({ ...t, role: "TA" })),
      ]);
    } catch (error) {
      fill(status, problems(error));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
