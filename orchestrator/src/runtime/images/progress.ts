// Reads the JSON-lines progress stream of a Docker build, pull or import, passing each line of
// output on and failing on the engine's error events (dockerode's followProgress ignores them).
import type { Readable } from "node:stream";

interface ProgressEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

export function consumeProgress(
  stream: Readable | NodeJS.ReadableStream,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let pending = "";
    let failure: string | null = null;
    const handle = (line: string) => {
      if (!line.trim()) return;
      let event: ProgressEvent;
      try {
        event = JSON.parse(line) as ProgressEvent;
      } catch {
        onLine(line);
        return;
      }
      if (event.error || event.errorDetail) {
        failure = event.errorDetail?.message ?? event.error ?? "unknown error";
        return;
      }
      const text = (event.stream ?? event.status ?? "").trimEnd();
      if (text) for (const part of text.split("\n")) onLine(part);
    };
    stream.on("data", (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) handle(line);
    });
    stream.on("error", reject);
    stream.on("end", () => {
      handle(pending);
      if (failure) reject(new Error(failure));
      else resolve();
    });
  });
}
