// Server-sent events as a test reads them: the stream's text to a list of { id, event, data }.
export interface SseEvent {
  id: number;
  event: string;
  data: Record<string, unknown>;
}

export function parseSse(text: string): SseEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim() !== "" && !block.startsWith(":"))
    .map((block) => {
      const fields = Object.fromEntries(
        block.split("\n").map((line) => {
          const at = line.indexOf(": ");
          return [line.slice(0, at), line.slice(at + 2)];
        }),
      );
      return {
        id: Number(fields.id),
        event: String(fields.event),
        data: JSON.parse(String(fields.data)),
      };
    });
}
