// The terminal WebSocket protocol (v2), GET /api/labs/:id/nodes/:node/terminal. v2 extends v1
// compatibly: a v1 client (hello without `session`, `ready`, binary frames, resize) still works.
//
// 1. The client's first message is a JSON text frame
//    `{type:"hello", token, cols, rows, session?, watch?}`. Nothing runs in the node before the
//    token and the lab's ownership pass; a refusal closes the socket with one of the codes below
//    (a lab one may not see is "not found", as on the REST routes).
//    - no `session`: a new login shell as the node's lab user; the server answers
//      `{type:"ready", session, mode:"control"}`.
//    - `session` of a live session the same user started (a browser reconnecting within the
//      grace period): the same shell; `{type:"ready", session, mode:"control"}`, then the recent
//      screen replayed as binary frames (the client resets its terminal first: the replay is the
//      last 64 KiB of output, not a diff), then live output.
//    - `session` + `watch:true`, by a TA/instructor who may see the lab (or by the owner): a
//      watcher; `{type:"ready", session, mode:"watch"}`, the replay, then live output. A
//      watcher's keystrokes are ignored and its sizes never apply.
// 2. Binary frames carry bytes: client->server keystrokes, server->client terminal output,
//    never decoded to text on the server (a UTF-8 character split across reads stays whole).
// 3. Text frames are control messages.
//    client->server: `{type:"resize", cols, rows}` (applies only from the session's owner);
//    `{type:"pause"}` / `{type:"resume"}` (hold / release output to this viewer);
//    `{type:"take-control"}` (a watcher starts typing into the session) / `{type:"release-control"}`.
//    server->client: `{type:"mode", mode}` after a take or a release;
//    `{type:"viewers", viewers:[{login, role, mode}]}` whenever the set of viewers (or a mode)
//    changes, the joining viewer's own arrival included; `{type:"exit", code}` before the 1000
//    close when the shell ends (`code` null when the engine does not know it).
// 4. When the last viewer leaves, the shell lives on for a grace period (60 s by default) for a
//    reconnect; then it is killed and its session is gone (4410).
// Close codes: see CLOSE. 4429 means "too many failed tokens" when it closes a socket before
// `ready` (the reason says when to retry) and "too slow" after it.
import { z } from "zod";

const size = { cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) };

/** Session ids: 32 hex digits (registry.ts). */
export const sessionId = z.string().regex(/^[0-9a-f]{32}$/, "a session id is 32 hex digits");

export const helloMessage = z.object({
  type: z.literal("hello"),
  // Tokens are 64 characters (store/users.ts): anything far longer is not one.
  token: z.string().max(256),
  ...size,
  session: sessionId.optional(),
  watch: z.boolean().optional(),
});
export type HelloMessage = z.infer<typeof helloMessage>;

export const controlMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("resize"), ...size }),
  z.object({ type: z.literal("pause") }),
  z.object({ type: z.literal("resume") }),
  z.object({ type: z.literal("take-control") }),
  z.object({ type: z.literal("release-control") }),
]);

const viewerMode = z.enum(["control", "watch"]);
export type ViewerMode = z.infer<typeof viewerMode>;

const viewerSchema = z.object({
  login: z.string(),
  role: z.enum(["instructor", "ta", "student"]),
  mode: viewerMode,
});
export type Viewer = z.infer<typeof viewerSchema>;

/** What the server sends in text frames. */
export const serverMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), session: sessionId, mode: viewerMode }),
  z.object({ type: z.literal("mode"), mode: viewerMode }),
  z.object({ type: z.literal("viewers"), viewers: z.array(viewerSchema) }),
  z.object({ type: z.literal("exit"), code: z.number().int().nullable() }),
]);
export type ServerMessage = z.infer<typeof serverMessage>;

/** Close codes (4000-4999 are the application's): HTTP statuses plus 4000. */
export const CLOSE = {
  /** The shell exited (after `{type:"exit"}`). */
  normal: 1000,
  /**
   * The service is stopping: a hello it will not serve. Sockets open when it stops are closed by
   * the WebSocket plugin first, with no code (1005 at the client).
   */
  goingAway: 1001,
  /** A first message that is not a valid hello, or a malformed control message. */
  badRequest: 4400,
  /** No token, or a token that is not valid. */
  unauthorized: 4401,
  /** Watching or taking control is not allowed, or the session is not the user's. */
  forbidden: 4403,
  /** The lab does not exist or is not the user's to see. */
  notFound: 4404,
  /** No hello in time. */
  timeout: 4408,
  /** The node does not exist or is not running. */
  refused: 4409,
  /** The session asked for is gone (its shell ended or its grace period passed), or never was. */
  gone: 4410,
  /** Too many tokens that are not valid from this address; the reason says when to retry. */
  tooManyFailedTokens: 4429,
  /** A watcher whose unsent output passed the high watermark: dropped, never stalls the session. */
  tooSlow: 4429,
  /** The lab's engine does not answer (REST: 503 engine_unavailable); the reason names it. */
  engineUnavailable: 4503,
  /** The shell could not be started. */
  internal: 1011,
} as const;

const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` as a close reason: WebSocket close reasons are at most 123 bytes of UTF-8 (ws throws
 * past that), so a longer text is cut, between two characters.
 */
export function closeReason(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return text;
  let end = MAX_CLOSE_REASON_BYTES;
  // UTF-8 continuation bytes are 10xxxxxx: back up to the start of the character cut through.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return new TextDecoder().decode(bytes.subarray(0, end));
}
