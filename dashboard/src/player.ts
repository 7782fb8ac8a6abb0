// An asciicast v2 player: the recording's output events replayed into an xterm at their pace,
// with long pauses shortened. Enough to see what happened in a session, without a player library.
import { Terminal } from "@xterm/xterm";
import { h } from "./dom.ts";

/** Pauses longer than this are shortened to it. */
const MAX_PAUSE_S = 1.5;

interface Cast {
  width: number;
  height: number;
  /** [seconds since the start, data] of each output or resize ("COLSxROWS") event. */
  events: [number, "o" | "r", string][];
}

export function parseCast(text: string): Cast {
  const [first, ...lines] = text.split("\n").filter((line) => line.trim() !== "");
  const header = JSON.parse(first ?? "{}") as { version?: number; width?: number; height?: number };
  if (header.version !== 2) throw new Error("not an asciicast v2 recording");
  const events = lines
    .map((line) => JSON.parse(line) as [number, string, string])
    .filter((e): e is [number, "o" | "r", string] => e[1] === "o" || e[1] === "r");
  return { width: header.width ?? 80, height: header.height ?? 24, events };
}

/** A player for `cast`: `play` starts it (once its element is in the page); `signal` stops it. */
export function castPlayer(
  cast: Cast,
  signal: AbortSignal,
): { element: HTMLElement; play(): void } {
  const screen = h("div", { className: "player-screen" });
  const play = h("button", { type: "button" }, "Replay");
  const element = h(
    "div",
    { className: "player" },
    h("div", { className: "actions" }, play),
    screen,
  );
  let term: Terminal | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    play.textContent = "Replay";
  };
  signal.addEventListener("abort", () => {
    stop();
    term?.dispose();
  });
  const start = () => {
    stop();
    term?.dispose();
    term = new Terminal({ cols: cast.width, rows: cast.height, disableStdin: true, fontSize: 13 });
    term.open(screen);
    const current = term;
    play.textContent = "Playing…";
    let at = 0;
    let previous = 0;
    const next = () => {
      const event = cast.events[at++];
      if (!event) {
        stop();
        return;
      }
      const [time, kind, data] = event;
      const wait = Math.min(Math.max(time - previous, 0), MAX_PAUSE_S);
      previous = time;
      timer = setTimeout(() => {
        if (kind === "o") current.write(data);
        else {
          const [cols, rows] = data.split("x").map(Number);
          if (cols && rows) current.resize(cols, rows);
        }
        next();
      }, wait * 1000);
    };
    next();
  };
  play.addEventListener("click", start);
  return { element, play: start };
}
