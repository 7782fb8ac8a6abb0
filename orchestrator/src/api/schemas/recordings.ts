// Terminal recordings: the list and the asciicast download.
import { z } from "zod";

export const recordingsQuery = z.object({
  lab: z.string().min(1).max(64).optional().describe("only this lab's recordings"),
});

export const recordingParams = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/, "a recording id is 32 hex digits"),
});

export const recordingListSchema = z.array(
  z.object({
    id: z.string(),
    lab: z.string(),
    node: z.string(),
    owner: z.string().describe("who opened the session"),
    startedAt: z.string(),
    endedAt: z.string().nullable().describe("null while the session lives"),
    bytes: z.number().int().describe("the file's size, known once the session has ended"),
    truncated: z.boolean().describe("the recording stopped at its size cap"),
  }),
);

export const ASCIICAST_TYPE = "application/x-asciicast";

/** The download itself: a file stream, sent as it is, never through a serializer. */
export const asciicastSchema = {
  description: "an asciicast v2 file (asciinema play FILE, or a web player)",
  content: { [ASCIICAST_TYPE]: { schema: z.unknown() } },
};
