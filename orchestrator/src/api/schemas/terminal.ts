// The terminal WebSocket protocol, GET /api/labs/:id/nodes/:node/terminal.
//
// 1. The client's first message is a JSON text frame `{type:"hello", token, cols, rows}`. Nothing
//    runs in the node before the token and the lab's ownership pass; a refusal closes the socket
//    with one of the codes below (a lab one may not see is "not found", as on the REST routes).
// 2. The server answers `{type:"ready"}` once the shell runs.
// 3. Then binary frames carry bytes: client->server keystrokes, server->client terminal output,
//    never decoded to text on the server (a UTF-8 character split across reads stays whole).
// 4. Text frames are control messages: client->server `{type:"resize", cols, rows}`.
// When the shell exits the socket closes with 1000; when the socket closes the shell is killed.
import { z } from "zod";

const size = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) };

export const terminalParams = z.object({
  id: z.string().min(1).max(64),
  node: z.string().min(1).max(64),
});

export const helloMessage = z.object({ type: z.literal("hello"), token: z.string(), ...size });
export type HelloMessage = z.infer<typeof helloMessage>;

export const controlMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resize"), ...size }),
]);
export type ControlMessage = z.infer<typeof controlMessage>;

/** Close codes (4000-4999 are the application's): HTTP statuses plus 4000. */
export const CLOSE = {
  /** The shell exited. */
  normal: 1000,
  /** A first message that is not a valid hello, or a malformed control message. */
  badRequest: 4400,
  /** No token, or a token that is not valid. */
  unauthorized: 4401,
  /** The lab does not exist or is not the user's to see. */
  notFound: 4404,
  /** No hello in time. */
  timeout: 4408,
  /** Too many tokens that are not valid from this address; the reason says when to retry. */
  tooManyFailedTokens: 4429,
  /** The node does not exist or is not running. */
  refused: 4409,
  /** The shell could not be started. */
  internal: 1011,
} as const;
