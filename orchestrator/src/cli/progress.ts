// What `up` and `reset` say while they work: a line per network made and per node created,
// started and ready, on stderr when it is a terminal (a person waiting), never into a pipe or a log.
import type { ConvergeEvent, ConvergeProgress } from "../runtime/converge.ts";

export function terminalProgress(
  stream: Pick<NodeJS.WriteStream, "isTTY" | "write"> = process.stderr,
): ConvergeProgress | undefined {
  if (!stream.isTTY) return undefined;
  return (event) => stream.write(`${progressLine(event)}\n`);
}

/** `  network lan: created`, `  node web: ready`. */
export function progressLine(event: ConvergeEvent): string {
  const [, what] = event.step.split(" ");
  return "network" in event
    ? `  network ${event.network}: ${what}`
    : `  node ${event.node}: ${what}`;
}
