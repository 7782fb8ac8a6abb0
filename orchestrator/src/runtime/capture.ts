// Captures of lab networks. The host guard (the only container on the host's network) runs
// tcpdump on the network's bridge and its pcap output streams here; no lab node is involved, so a
// capture works on any lab and sees what the lab's nodes cannot hide. On the bridge device itself
// (tcpdump puts it in promiscuous mode) every frame the bridge forwards between nodes shows,
// whether or not the network is in hub mode.
import { PassThrough, type Writable } from "node:stream";
import type { Engine } from "./engine.ts";
import { ensureGuard } from "./host-guard.ts";

export interface CaptureResult {
  /** tcpdump's closing report, such as "12 packets captured". */
  summary: string;
}

/** `timeout` exits 124 when it stopped the command, which is how every capture ends. */
const TIMED_OUT = 124;

/**
 * Writes `seconds` of the bridge's traffic to `sink` as a pcap file (the format Wireshark and
 * tcpdump read); `sink` is left open for the caller to close.
 */
export async function captureBridge(
  engine: Engine,
  bridge: string,
  seconds: number,
  sink: Writable,
): Promise<CaptureResult> {
  const guard = await ensureGuard(engine);
  const exec = await engine.getContainer(guard).exec({
    // -U: each packet is written out as it comes, not when a buffer fills; SIGINT lets tcpdump
    // finish the file and report its counts.
    Cmd: ["timeout", "-s", "INT", String(seconds), "tcpdump", "-i", bridge, "-U", "-w", "-"],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stderr: Buffer[] = [];
  const errSink = new PassThrough().on("data", (chunk: Buffer) => stderr.push(chunk));
  engine.modem.demuxStream(stream, sink, errSink);
  await new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("error", reject);
  });
  const { ExitCode } = await exec.inspect();
  const report = Buffer.concat(stderr).toString("utf8").trim();
  if (ExitCode !== TIMED_OUT && ExitCode !== 0) {
    throw new Error(`capture on ${bridge} failed: ${report || `exit status ${ExitCode}`}`);
  }
  const summary = /^\d+ packets? captured$/m.exec(report)?.[0] ?? "capture finished";
  return { summary };
}
