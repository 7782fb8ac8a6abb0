// One browser looking at a terminal session: its socket, who it is, its mode, and the output on
// its way to it. Each viewer has its own send buffer, so the session can tell a slow viewer from
// the others: output the client asked to hold (`pause`) waits here, output handed to the socket
// counts until ws has passed it to the kernel.
import type { WebSocket } from "ws";
import type { UserRole } from "../store/users.ts";
import { closeReason, type ServerMessage, type ViewerMode } from "./protocol.ts";

export class Viewer {
  readonly socket: WebSocket;
  readonly login: string;
  readonly role: UserRole;
  /** The token the viewer signed in with: once it is revoked or expires, the viewer goes. */
  readonly tokenId: string;
  mode: ViewerMode;
  /** Called when output handed to the socket has left the process. */
  onDrain: () => void = () => {};
  private held: Buffer[] = [];
  private heldBytes = 0;
  private inFlight = 0;
  private paused = false;

  constructor(
    socket: WebSocket,
    user: { login: string; role: UserRole; tokenId: string },
    mode: ViewerMode,
  ) {
    this.socket = socket;
    this.login = user.login;
    this.role = user.role;
    this.tokenId = user.tokenId;
    this.mode = mode;
  }

  /** Output not yet passed to the kernel: held for a pause, or queued in the socket. */
  get unsent(): number {
    return this.heldBytes + this.inFlight;
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  output(chunk: Buffer): void {
    if (this.paused) {
      this.held.push(chunk);
      this.heldBytes += chunk.length;
    } else {
      this.transmit(chunk);
    }
  }

  message(message: ServerMessage): void {
    if (this.open) this.socket.send(JSON.stringify(message));
  }

  /** The client asks to hold output (its terminal is busy rendering). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    if (held.length > 0) this.transmit(Buffer.concat(held));
  }

  close(code: number, text: string): void {
    if (
      this.socket.readyState === this.socket.OPEN ||
      this.socket.readyState === this.socket.CONNECTING
    ) {
      this.socket.close(code, closeReason(text));
    }
  }

  private transmit(chunk: Buffer): void {
    if (!this.open) return;
    this.inFlight += chunk.length;
    // ws calls back once the bytes are written to the socket (or with an error once it closed).
    this.socket.send(chunk, { binary: true }, () => {
      this.inFlight -= chunk.length;
      this.onDrain();
    });
  }
}
