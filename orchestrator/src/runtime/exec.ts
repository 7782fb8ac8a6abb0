// Runs a command in a container and collects its output and exit status.
import type { Engine } from "./engine.ts";
import { TailBuffer } from "./tail.ts";

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Whether the start of stdout or stderr was cut, to keep their last `maxOutputBytes` each. */
  truncated: boolean;
}

/** The command did not end in time; what it wrote meanwhile (the ends kept) comes with it. */
export class ExecTimeoutError extends Error {
  readonly partial: Omit<ExecResult, "exitCode">;
  constructor(message: string, partial: Omit<ExecResult, "exitCode">) {
    super(message);
    this.partial = partial;
  }
}

export interface ExecOptions {
  /** Default: 30 s. */
  timeoutMs?: number;
  /** The user to run as (default: the container's, root in socketlab's images). */
  user?: string;
  /** The most of stdout, and of stderr, kept: their ends (default: DEFAULT_OUTPUT_BYTES). */
  maxOutputBytes?: number;
}

/** The output kept of a command: far beyond what the service's own commands print. */
export const DEFAULT_OUTPUT_BYTES = 256 * 1024;

export async function execCapture(
  engine: Engine,
  container: string,
  command: string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const { timeoutMs = 30_000, user, maxOutputBytes = DEFAULT_OUTPUT_BYTES } = options;
  const exec = await engine.exec.start(container, {
    command,
    tty: false,
    stdin: false,
    ...(user === undefined ? {} : { user }),
  });
  const stdout = new TailBuffer(maxOutputBytes);
  const stderr = new TailBuffer(maxOutputBytes);
  const demuxed = exec.demux(stdout.sink(), stderr.sink());
  const kept = () => ({
    stdout: stdout.bytes.toString("utf8"),
    stderr: stderr.bytes.toString("utf8"),
    truncated: stdout.droppedBytes + stderr.droppedBytes > 0,
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      exec.stream.destroy();
      const message = `'${command.join(" ")}' in ${container} took longer than ${timeoutMs} ms`;
      reject(new ExecTimeoutError(message, kept()));
    }, timeoutMs);
  });
  // Once the timeout has destroyed the stream, its failure says nothing more.
  demuxed.catch(() => {});
  try {
    await Promise.race([demuxed, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, ...kept() };
}
