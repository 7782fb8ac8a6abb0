// The dashboard's entry: signs in (token or login link), then shows the pages of the user's role.
import "@xterm/xterm/css/xterm.css";
import "./style.css";
import { ApiError, api, type Me } from "./api.ts";
import { errorMessage, fill, h } from "./dom.ts";
import { auditPage } from "./pages/audit.ts";
import { newClassPage } from "./pages/class-new.ts";
import { classesPage } from "./pages/classes.ts";
import { labPage } from "./pages/lab.ts";
import { labsPage } from "./pages/labs.ts";
import { libraryPage } from "./pages/library.ts";
import { loginPage } from "./pages/login.ts";
import { recordingsPage } from "./pages/recordings.ts";
import { match, navigate, route, startRouter } from "./router.ts";
import { signOut, takeTokenFromLink, token } from "./session.ts";

const header = document.getElementById("top") as HTMLElement;
const main = document.getElementById("main") as HTMLElement;

route("/labs", labsPage);
route("/labs/:id", labPage);
route("/classes", classesPage);
route("/classes/new", newClassPage);
route("/recordings", recordingsPage);
route("/audit", auditPage);
route("/library", libraryPage);

const staff = (me: Me) => me.role !== "student";

function nav(me: Me): void {
  const links: [string, string][] = [["/labs", staff(me) ? "Labs" : "My labs"]];
  if (staff(me)) {
    links.push(["/classes", "Classes"], ["/library", "Library"], ["/recordings", "Recordings"]);
  }
  if (me.role === "instructor") links.push(["/audit", "Audit log"]);
  const signOutButton = h("button", { type: "button", className: "quiet" }, "Sign out");
  signOutButton.addEventListener("click", () => {
    signOut();
    location.assign("/");
  });
  fill(
    header,
    h("a", { href: "/", className: "brand" }, "socketlab"),
    h(
      "nav",
      { attrs: { "aria-label": "Main" } },
      ...links.map(([href, text]) => h("a", { href }, text)),
    ),
    h(
      "span",
      { className: "who" },
      `${me.name} (${me.login}, ${me.role}${me.class ? `, ${me.class.name}` : ""})`,
    ),
    signOutButton,
  );
}

let current: AbortController | null = null;

function render(me: Me): void {
  current?.abort();
  current = new AbortController();
  if (location.pathname === "/") {
    navigate(staff(me) ? "/classes" : "/labs");
    return;
  }
  for (const link of header.querySelectorAll("nav a")) {
    const here = location.pathname.startsWith((link as HTMLAnchorElement).pathname);
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const found = match(location.pathname);
  if (!found) {
    fill(main, h("h1", {}, "Page not found"), h("p", {}, h("a", { href: "/" }, "Home")));
    return;
  }
  main.replaceChildren();
  const context = {
    main,
    me,
    params: found.params,
    query: new URLSearchParams(location.search),
    signal: current.signal,
  };
  Promise.resolve(found.page(context)).catch((error: unknown) => {
    if (current?.signal !== context.signal) return;
    fill(main, h("h1", {}, "Something went wrong"), errorMessage(error));
  });
}

async function start(): Promise<void> {
  takeTokenFromLink();
  const signIn = (problem: string | null) => {
    header.replaceChildren(h("span", { className: "brand" }, "socketlab"));
    loginPage(main, problem, start);
  };
  if (!token()) {
    signIn(null);
    return;
  }
  let me: Me;
  try {
    me = await api.me();
  } catch (error) {
    // A token that is not valid is forgotten; anything else (too many attempts, the service
    // unreachable) is said as it is, and the token kept for another try.
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      // The service says why: not valid, revoked, or expired with the class's term.
      signIn(`Signing in failed: ${error.message}. Ask your instructor for a new login link.`);
    } else signIn(`Signing in failed: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  nav(me);
  startRouter(() => render(me));
}

void start();
