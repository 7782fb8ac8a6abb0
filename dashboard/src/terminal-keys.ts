// What a terminal adds for people beyond xterm.js itself: on-screen Esc, Tab, Ctrl and arrow keys
// for phones (Ctrl applies to the next key typed), copy and paste with the keyboard (Ctrl+Shift+C
// and Ctrl+Shift+V, or Ctrl+Insert and Shift+Insert), a search box (Ctrl+Shift+F) and a screen
// reader mode that is remembered.
import type { SearchAddon } from "@xterm/addon-search";
import type { Terminal } from "@xterm/xterm";
import { h } from "./dom.ts";

const SCREEN_READER_KEY = "socketlab.screenReader";

/** The bytes a key sends, as xterm.js would send them in the terminal's current cursor mode. */
function arrow(term: Terminal, letter: "A" | "B" | "C" | "D"): string {
  return term.modes.applicationCursorKeysMode ? `\x1bO${letter}` : `\x1b[${letter}`;
}

/** Ctrl with a key: letters and @[\]^_ become their control codes; other keys are unchanged. */
export function withCtrl(data: string): string {
  if (data.length !== 1) return data;
  const code = data.toUpperCase().charCodeAt(0);
  return code >= 64 && code <= 95 ? String.fromCharCode(code - 64) : data;
}

export class TerminalKeys {
  /** The on-screen keys (style.css shows them on narrow screens only). */
  readonly keys: HTMLElement;
  /** The terminal's own buttons: search and screen reader mode. */
  readonly tools: HTMLElement;
  readonly searchBox: HTMLElement;
  private readonly term: Terminal;
  private readonly send: (data: string) => void;
  private readonly ctrlButton: HTMLButtonElement;
  private readonly search: SearchAddon;
  private readonly searchInput: HTMLInputElement;
  private ctrl = false;

  constructor(term: Terminal, search: SearchAddon, send: (data: string) => void, label: string) {
    this.term = term;
    this.search = search;
    this.send = send;
    const key = (text: string, name: string, press: () => void) => {
      const button = h(
        "button",
        { type: "button", className: "key", attrs: { "aria-label": name } },
        text,
      );
      // The terminal keeps the focus (and a phone its keyboard) while a key is pressed.
      button.addEventListener("pointerdown", (event) => event.preventDefault());
      button.addEventListener("click", () => {
        press();
        this.term.focus();
      });
      return button;
    };
    this.ctrlButton = key("Ctrl", "Ctrl, for the next key", () => this.setCtrl(!this.ctrl));
    this.ctrlButton.setAttribute("aria-pressed", "false");
    this.keys = h(
      "div",
      { className: "term-keys", attrs: { role: "toolbar", "aria-label": `Keys for ${label}` } },
      key("Esc", "Escape", () => this.send("\x1b")),
      key("Tab", "Tab", () => this.send("\t")),
      this.ctrlButton,
      key("←", "Left arrow", () => this.send(arrow(this.term, "D"))),
      key("↓", "Down arrow", () => this.send(arrow(this.term, "B"))),
      key("↑", "Up arrow", () => this.send(arrow(this.term, "A"))),
      key("→", "Right arrow", () => this.send(arrow(this.term, "C"))),
    );

    this.searchInput = h("input", {
      type: "search",
      placeholder: "Find in the terminal",
      attrs: { "aria-label": `Find in ${label}` },
    });
    this.searchInput.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.closeSearch();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (event.shiftKey) this.search.findPrevious(this.searchInput.value);
        else this.search.findNext(this.searchInput.value);
      }
    });
    this.searchBox = h("div", { className: "term-search", hidden: true }, this.searchInput);

    const reader = h("button", { type: "button", className: "quiet" }, "Screen reader");
    const showReader = (on: boolean) => {
      this.term.options.screenReaderMode = on;
      reader.setAttribute("aria-pressed", String(on));
    };
    showReader(localStorage.getItem(SCREEN_READER_KEY) === "on");
    reader.addEventListener("click", () => {
      const on = !this.term.options.screenReaderMode;
      localStorage.setItem(SCREEN_READER_KEY, on ? "on" : "off");
      showReader(on);
    });
    const find = h("button", { type: "button", className: "quiet" }, "Find");
    find.addEventListener("click", () => this.openSearch());
    this.tools = h("span", { className: "term-tools" }, find, reader);
  }

  /** Typed data, with a latched on-screen Ctrl applied to its first key. */
  typed(data: string): string {
    if (!this.ctrl) return data;
    this.setCtrl(false);
    return withCtrl(data.slice(0, 1)) + data.slice(1);
  }

  /**
   * The terminal's own keys, before xterm.js sees them: false when handled here (copy, paste,
   * search), so that they never reach the shell.
   */
  handle(event: KeyboardEvent): boolean {
    if (event.type !== "keydown") return !this.isOwnKey(event);
    if (!this.isOwnKey(event)) return true;
    // Paste is the browser's own: it pastes into xterm.js's hidden text area, whose paste event
    // xterm.js sends to the shell (bracketed, as a local terminal does). Reading the clipboard
    // from script instead needs a permission some browsers only grant after a prompt, and
    // Chromium refuses it, now and then, to a page it deems not focused.
    if (this.isPaste(event)) return false;
    event.preventDefault();
    if (event.key === "F" || event.key === "f") this.openSearch();
    else void this.copy();
    return false;
  }

  private isPaste(event: KeyboardEvent): boolean {
    return event.key === "V" || event.key === "v" || (event.key === "Insert" && event.shiftKey);
  }

  private isOwnKey(event: KeyboardEvent): boolean {
    const key = event.key.toLowerCase();
    if (event.ctrlKey && event.shiftKey && ["c", "v", "f"].includes(key)) return true;
    if (event.key === "Insert" && (event.ctrlKey || event.shiftKey)) return true;
    return false;
  }

  private async copy(): Promise<void> {
    const text = this.term.getSelection();
    if (text) await navigator.clipboard.writeText(text).catch(() => {});
  }

  private openSearch(): void {
    this.searchBox.hidden = false;
    this.searchInput.select();
    this.searchInput.focus();
  }

  private closeSearch(): void {
    this.searchBox.hidden = true;
    this.search.clearDecorations();
    this.term.focus();
  }

  private setCtrl(on: boolean): void {
    this.ctrl = on;
    this.ctrlButton.setAttribute("aria-pressed", String(on));
  }
}
