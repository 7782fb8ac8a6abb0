// Recorded terminal sessions of a lab (TAs and instructors): download as asciicast, or replay.
import { api, filenameOf, type Recording } from "../api.ts";
import { errorMessage, fill, formatTime, h, saveBlob } from "../dom.ts";
import { castPlayer } from "../player.ts";
import type { PageContext } from "../router.ts";

export async function recordingsPage({ main, query, signal }: PageContext): Promise<void> {
  const labs = await api.labs();
  const select = h(
    "select",
    { id: "recordings-lab" },
    h("option", { value: "" }, "choose a lab"),
    ...labs.map((lab) => h("option", { value: lab.lab }, `${lab.lab} (${lab.owner})`)),
  );
  select.value = query.get("lab") ?? "";
  const list = h("div");
  const player = h("div");
  fill(
    main,
    h("h1", {}, "Recordings"),
    h("p", {}, h("label", { htmlFor: select.id }, "Lab "), select),
    list,
    player,
  );
  let playing: AbortController | null = null;
  signal.addEventListener("abort", () => playing?.abort());

  const open = async (recording: Recording, save: boolean) => {
    try {
      const response = await api.recording(recording.id);
      if (save) {
        saveBlob(await response.blob(), filenameOf(response, `${recording.id}.cast`));
        return;
      }
      playing?.abort();
      playing = new AbortController();
      const cast = await response.text();
      fill(
        player,
        h("h2", {}, `${recording.owner}@${recording.node}, ${formatTime(recording.startedAt)}`),
      );
      player.append(castPlayer(cast, playing.signal));
    } catch (error) {
      fill(player, errorMessage(error));
    }
  };

  const show = async () => {
    history.replaceState(null, "", select.value ? `?lab=${encodeURIComponent(select.value)}` : "?");
    if (!select.value) {
      list.replaceChildren();
      return;
    }
    try {
      const recordings = await api.recordings(select.value);
      fill(
        list,
        recordings.length === 0
          ? h("p", {}, "No recording for this lab.")
          : h(
              "table",
              {},
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  ...["Node", "Student", "Started", "Ended", "Size", ""].map((t) => h("th", {}, t)),
                ),
              ),
              h("tbody", {}, ...recordings.map((r) => recordingRow(r, open))),
            ),
      );
    } catch (error) {
      fill(list, errorMessage(error));
    }
  };
  select.addEventListener("change", () => void show());
  await show();
}

function recordingRow(
  recording: Recording,
  open: (recording: Recording, save: boolean) => Promise<void>,
): HTMLTableRowElement {
  const play = h("button", { type: "button" }, "Play");
  const download = h("button", { type: "button", className: "quiet" }, "Download");
  play.addEventListener("click", () => void open(recording, false));
  download.addEventListener("click", () => void open(recording, true));
  return h(
    "tr",
    {},
    h("td", {}, recording.node),
    h("td", {}, recording.owner),
    h("td", {}, formatTime(recording.startedAt)),
    h("td", {}, recording.endedAt ? formatTime(recording.endedAt) : "live"),
    // The size is known once the session has ended.
    h("td", {}, recording.endedAt ? `${Math.ceil(recording.bytes / 1024)} KiB` : ""),
    h("td", { className: "row-actions" }, play, download),
  );
}
