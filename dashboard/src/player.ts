// Recorded sessions played with asciinema-player: a progress bar to seek along, pause and play,
// a choice of speed, and long pauses shortened. The asciicast is fetched with the viewer's token,
// so the player is given its text rather than a URL.
import * as AsciinemaPlayer from "asciinema-player";
import "asciinema-player/dist/bundle/asciinema-player.css";
import { h } from "./dom.ts";

/** Pauses longer than this are shortened to it, seconds. */
const IDLE_TIME_LIMIT_S = 1.5;

const SPEEDS = [0.5, 1, 2, 4];

/** A player of the asciicast `cast`, playing at once; `signal` disposes of it. */
export function castPlayer(cast: string, signal: AbortSignal): HTMLElement {
  const screen = h("div", { className: "player-screen" });
  const speed = h(
    "select",
    { id: "player-speed" },
    ...SPEEDS.map((s) => h("option", { value: String(s), selected: s === 1 }, `${s}×`)),
  );
  const element = h(
    "div",
    { className: "player" },
    h("p", { className: "actions" }, h("label", { htmlFor: speed.id }, "Speed "), speed),
    screen,
  );
  const create = (startAt: number) =>
    AsciinemaPlayer.create({ data: cast }, screen, {
      autoPlay: true,
      startAt,
      speed: Number(speed.value),
      idleTimeLimit: IDLE_TIME_LIMIT_S,
      fit: false,
      terminalFontSize: "13px",
    });
  let player = create(0);
  // The player takes its speed when made: a new one plays on from where the last one was (from
  // the start when that one had ended).
  speed.addEventListener("change", () => {
    const at = player.getCurrentTime();
    const ended = at >= (player.getDuration() ?? Number.POSITIVE_INFINITY);
    player.dispose();
    player = create(ended ? 0 : at);
  });
  signal.addEventListener("abort", () => player.dispose());
  return element;
}
