// Captures of lab networks. The host guard (the only container on the host's network) runs
// tcpdump on the network's bridge and its pcap output streams here; no lab node is involved, so a
// capture works on any lab and sees what the lab's nodes cannot hide. On the bridge device itself
// (tcpdump puts it in promiscuous mode) every frame the bridge forwards between nodes shows,
// whether or not the network is in hub mode.
import { Writable } from "node:stream";
import type { Engine } from "./engine.ts";
import { execCapture } from "./exec.ts";
import { ensureGuard } from "./host-guard.ts";
import { TailBuffer } from "./tail.ts";

export interface CaptureResult {
  /** tcpdump's closing report, such as "12 packets captured". */
  summary: string;
}

/** `timeout` exits 124 when it stopped the command, which is how every capture ends. */
const TIMED_OUT = 124;
/** tcpdump's messages kept: its closing counts come last. */
const REPORT_BYTES = 16 * 1024;

// The shell reports its pid, then becomes `timeout`: closing the exec's stream does not stop a
// command in Docker, so a capture nobody reads any more is stopped by signalling that pid.
// -U: each packet is written out as it comes (the pcap header too, as soon as tcpdump listens),
// not when a buffer fills; SIGINT lets tcpdump finish the file and report its counts.
const SCRIPT = 'echo "pid $$" >&2; exec timeout -s INT "$0" tcpdump -i "$1" -U -w -';

/**
 * Writes `seconds` of the bridge's traffic to `sink` as a pcap file (the format Wireshark and
 * tcpdump read); `sink` is left open for the caller to close. Aborting `signal` ends the
 * capture early, as its time running out would.
 */
export async function captureBridge(
  engine: Engine,
  bridge: string,
  seconds: number,
  sink: Writable,
  signal?: AbortSignal,
): Promise<CaptureResult> {
  const guard = await ensureGuard(engine);
  const exec = await engine.exec.start(guard, {
    command: ["sh", "-c", SCRIPT, String(seconds), bridge],
    tty: false,
    stdin: false,
  });
  // tcpdump's own messages: a few lines, its last ones are what matter.
  const errors = new TailBuffer(REPORT_BYTES);
  const pid = Promise.withResolvers<string>();
  const watchPid = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      errors.append(chunk);
      const found = /^pid (\d+)$/m.exec(errors.bytes.toString("utf8"));
      if (found) pid.resolve(found[1] as string);
      done();
    },
  });
  // The pcap goes out no faster than `sink` drains: a slow download holds the engine's stream.
  const ended = exec.demux(sink, watchPid);
  const stop = () => {
    pid.promise
      .then(async (p) => {
        if (p) await execCapture(engine, guard, ["kill", "-INT", p]);
      })
      .catch(() => {}); // already gone: nothing to stop
  };
  signal?.addEventListener("abort", stop, { once: true });
  try {
    await ended;
  } finally {
    signal?.removeEventListener("abort", stop);
    pid.resolve(""); // never left waiting when the shell died before saying its pid
  }
  const { ExitCode } = await exec.inspect();
  const report = errors.bytes
    .toString("utf8")
    .replace(/^pid \d+\n/m, "")
    .trim();
  if (ExitCode !== TIMED_OUT && ExitCode !== 0 && !signal?.aborted) {
    throw new Error(`capture on ${bridge} failed: ${report || `exit status ${ExitCode}`}`);
  }
  const summary = /^\d+ packets? captured$/m.exec(report)?.[0] ?? "capture finished";
  return { summary };
}
