// Waiting for a writable stream's buffer to empty, as backpressure asks of its writer.
import type { Writable } from "node:stream";

/** Resolves once `target` has drained, or has closed (then nothing more waits for it). */
export function drained(target: Writable): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!target.writableNeedDrain || target.destroyed) {
      resolve();
      return;
    }
    const finish = () => {
      target.off("drain", finish);
      target.off("close", finish);
      resolve();
    };
    target.on("drain", finish);
    target.on("close", finish);
  });
}
