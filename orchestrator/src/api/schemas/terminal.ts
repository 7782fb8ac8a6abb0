// The terminal routes' schemas. The WebSocket protocol itself, its messages and close codes, is
// the terminals' own: terminals/protocol.ts.
import { z } from "zod";
import { sessionId } from "../../terminals/protocol.ts";

export const terminalParams = z.object({
  id: z.string().min(1).max(64),
  node: z.string().min(1).max(64),
});

/** GET /api/labs/:id/terminals: the lab's live sessions. */
export const terminalListSchema = z.array(
  z.object({
    session: sessionId,
    node: z.string(),
    owner: z.string(),
    startedAt: z.string(),
    viewers: z.number().int(),
  }),
);
