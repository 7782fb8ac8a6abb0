// Sign in by pasting a token (a login link `/#token=...` signs in without this page).
import { fill, h } from "../dom.ts";
import { setToken } from "../session.ts";

export function loginPage(main: HTMLElement, problem: string | null, signedIn: () => void): void {
  const input = h("input", {
    id: "token",
    type: "password",
    name: "token",
    required: true,
    autocomplete: "off",
    spellcheck: false,
  });
  const form = h(
    "form",
    { className: "login-form card" },
    h("h1", {}, "Sign in"),
    h("p", {}, "Paste the access token you were given, or open your login link."),
    h("label", { htmlFor: "token" }, "Access token"),
    input,
    problem ? h("p", { className: "error", attrs: { role: "alert" } }, problem) : null,
    h("button", { type: "submit" }, "Sign in"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    setToken(input.value);
    signedIn();
  });
  fill(main, form);
  input.focus();
}
