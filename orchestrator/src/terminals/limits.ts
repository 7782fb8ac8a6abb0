// The terminal socket's size limits, shared by the service and the dashboard (which cuts what it
// sends to fit): a few clients must not hold the service's memory with large frames, signed in or
// not.

/** The largest WebSocket frame the service takes: keystrokes and pastes come in pieces of it. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The largest hello: a token, a size and a session id fit many times over. */
export const MAX_HELLO_BYTES = 4096;
