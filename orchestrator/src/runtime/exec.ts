// Runs a command in a container and collects its output and exit status.
import { PassThrough } from "node:stream";
import type { Engine } from "./engine.ts";

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function execCapture(
  engine: Engine,
  container: string,
  command: string[],
  timeoutMs = 30_000,
  /** The user to run as (default: the container's, root in socketlab's images). */
  user?: string,
): Promise<ExecResult> {
  const exec = await engine.exec.start(container, {
    command,
    tty: false,
    stdin: false,
    ...(user === undefined ? {} : { user }),
  });
  const { stream } = exec;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const outSink = new PassThrough().on("data", (chunk: Buffer) => stdout.push(chunk));
  const errSink = new PassThrough().on("data", (chunk: Buffer) => stderr.push(chunk));
  exec.demux(outSink, errSink);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`'${command.join(" ")}' in ${container} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on("end", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const { ExitCode } = await exec.inspect();
  return {
    exitCode: ExitCode ?? -1,
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr: Buffer.concat(stderr).toString("utf8"),
  };
}
