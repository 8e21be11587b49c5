/**
 * One accepted WebSocket on a `node:net` socket: frame reading, pong replies, text sends, pings with a chosen
 * payload, the closing handshake, and abrupt destruction with no close frame (which is why the simulator has
 * its own server: runtime servers do not expose all of these uniformly).
 *
 * @module
 */

import type { Buffer } from "node:buffer";
import type net from "node:net";
import { encodeClose, encodeFrame, FrameReader, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT } from "./_frames.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";

const CLOSE_GRACE_MS = 1_000;

/** Callbacks for one WebSocket connection. */
export interface WsHandlers {
  /** A complete text message. */
  text(data: string): void;
  /** A complete binary message; ignored when absent. */
  binary?(): void;
  /** A pong frame's payload. */
  pong(payload: Buffer): void;
  /** The socket is gone (for any reason); called once. */
  closed(): void;
}

/**
 * One accepted WebSocket. Sends are fire-and-forget writes of whole frames; after a close frame is sent or
 * received nothing else is written.
 *
 * @example
 * ```ts
 * declare const connection: WsConnection; // handed out by the server after the handshake
 * connection.sendText('{"id":1,"status":200,"result":{}}');
 * connection.ping("1700000000000");
 * connection.destroy(); // abrupt: no close frame
 * ```
 */
export class WsConnection {
  readonly #socket: net.Socket;
  #handlers: WsHandlers | undefined;
  #open = true;
  #muted = false;
  #closeTimer: TimerHandle | undefined;
  #closedReported = false;

  /** @internal Created by the server after a successful handshake. */
  constructor(socket: net.Socket) {
    this.#socket = socket;
  }

  /** True until a close frame was sent or received, or the socket went away. */
  get open(): boolean {
    return this.#open;
  }

  /** @internal Wires the reader and handlers; `rest` is any byte that followed the handshake. */
  start(handlers: WsHandlers, maxMessageBytes: number, rest: Buffer | undefined): void {
    this.#handlers = handlers;
    const reader = new FrameReader({
      text: (data) => {
        if (this.#open) handlers.text(data);
      },
      binary: () => {
        if (this.#open) handlers.binary?.();
      },
      ping: (payload) => {
        if (!this.#muted) this.#write(encodeFrame(OP_PONG, payload));
      },
      pong: (payload) => {
        if (this.#open) handlers.pong(payload);
      },
      close: (code) => {
        if (this.#open) {
          this.#write(code === undefined ? encodeFrame(OP_CLOSE, new Uint8Array(0)) : encodeClose(code));
          this.#open = false;
        }
        this.#socket.end();
        this.#armCloseTimer();
      },
      fail: (code, reason) => this.close(code, reason),
    }, maxMessageBytes);
    this.#socket.on("data", (chunk: Buffer) => reader.push(chunk));
    this.#socket.on("close", () => this.#reportClosed());
    if (this.#socket.destroyed) this.#reportClosed();
    if (rest !== undefined && rest.length > 0) reader.push(rest);
  }

  /** Sends one text frame; false when the connection is no longer open. */
  sendText(text: string): boolean {
    if (!this.#open) return false;
    return this.#write(encodeFrame(OP_TEXT, text));
  }

  /** Stops answering the peer's pings (a "silent" server); the socket stays open. */
  mute(): void {
    this.#muted = true;
  }

  /** Sends a ping carrying `payload` (UTF-8, at most 125 bytes). */
  ping(payload: string): void {
    if (this.#open) this.#write(encodeFrame(OP_PING, payload));
  }

  /** Starts the closing handshake; the socket is destroyed if the peer does not answer within 1 s. */
  close(code = 1000, reason = ""): void {
    if (!this.#open) return;
    this.#open = false;
    this.#write(encodeClose(code, reason));
    this.#armCloseTimer();
  }

  /** Destroys the socket at once, with no close frame: the peer sees an abnormal closure (1006). */
  destroy(): void {
    this.#open = false;
    this.#socket.destroy();
    this.#reportClosed();
  }

  #write(frame: Buffer): boolean {
    if (this.#socket.destroyed || !this.#socket.writable) return false;
    this.#socket.write(frame);
    return true;
  }

  #armCloseTimer(): void {
    if (this.#closeTimer === undefined) {
      this.#closeTimer = laterUnref(() => this.#socket.destroy(), CLOSE_GRACE_MS);
    }
  }

  #reportClosed(): void {
    this.#open = false;
    if (this.#closeTimer !== undefined) {
      clearTimeout(this.#closeTimer);
      this.#closeTimer = undefined;
    }
    if (this.#closedReported) return;
    this.#closedReported = true;
    this.#handlers?.closed();
  }
}
