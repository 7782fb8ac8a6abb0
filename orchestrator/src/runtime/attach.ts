// An exec wired to the caller's terminal or pipes: `socketlab exec`. With a TTY the terminal
// goes raw and follows window resizes; without one, stdout and stderr stay apart.
import type { Engine } from "./engine.ts";

export interface AttachOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  tty: boolean;
}

/** Runs `command` in the container and resolves with its exit status. */
export async function execAttached(
  engine: Engine,
  container: string,
  command: string[],
  io: AttachOptions,
): Promise<number> {
  const exec = await engine.exec.start(container, { command, tty: io.tty, stdin: true });
  const { stream } = exec;
  // Listen at once: a quick command can end before the resize below has returned.
  const finished = new Promise<void>((resolve, reject) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", reject);
  });
  const resize = () => exec.resize(io.stdout.columns ?? 80, io.stdout.rows ?? 24).catch(() => {});
  if (io.tty) {
    io.stdin.setRawMode?.(true);
    stream.pipe(io.stdout);
    // API 1.41 has no size at exec start: resize once it runs, and on every window change.
    await resize();
    io.stdout.on("resize", resize);
  } else {
    // Its failure is the stream's, which `finished` reports.
    exec.demux(io.stdout, io.stderr).catch(() => {});
  }
  io.stdin.pipe(stream);
  try {
    await finished;
  } finally {
    io.stdin.unpipe(stream);
    if (io.tty) {
      io.stdin.setRawMode?.(false);
      io.stdout.off("resize", resize);
    }
    io.stdin.pause();
  }
  return (await exec.inspect()).ExitCode ?? 1;
}
