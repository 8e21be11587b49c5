/**
 * The server side of one WebSocket connection (RFC 6455) over a socket an HTTP server handed over on an
 * upgrade (`node:http`'s, or this directory's HTTP/1.1 server): text messages in and out, ping answered with
 * pong, the close handshake. Neither server has a WebSocket server of its own.
 *
 * Refused with a close code, then closed: a binary message (1003), an unmasked or malformed frame or an
 * extension bit (1002), text that is not UTF-8 (1007), a message over `maxMessageBytes` (1009).
 *
 * @module
 */

import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { type ByteSocket, toByteSocket } from "./_http1_byte_socket.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";
import { sha1Base64 } from "./_sha1.ts";

const HANDSHAKE_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/**
 * The `Sec-WebSocket-Accept` value for a client's `Sec-WebSocket-Key`.
 *
 * @example
 * ```ts
 * acceptValue("dGhlIHNhbXBsZSBub25jZQ=="); // "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
 * ```
 */
export function acceptValue(key: string): string {
  return sha1Base64(key + HANDSHAKE_GUID);
}

/**
 * Options of {@linkcode WsConnection}.
 *
 * @example
 * ```ts
 * const options: WsConnectionOptions = { maxMessageBytes: 65536, onText: (t) => console.log(t), onClose: () => {} };
 * ```
 */
export interface WsConnectionOptions {
  /** Largest accepted message (all its fragments together); a larger one closes the connection (1009). */
  maxMessageBytes: number;
  /** Each complete text message, in order. */
  onText: (text: string) => void;
  /** Once, when the connection is gone (closed by either side or broken); `code` as received or sent. */
  onClose: (code: number) => void;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * One accepted WebSocket connection (the 101 answer already sent).
 *
 * @example
 * ```ts
 * import type { Duplex } from "node:stream";
 * import { Buffer } from "node:buffer";
 * declare const socket: Duplex;
 * const ws = new WsConnection(socket, Buffer.alloc(0), {
 *   maxMessageBytes: 65536,
 *   onText: (text) => ws.send(text), // echo
 *   onClose: () => {},
 * });
 * ```
 */
export class WsConnection {
  readonly #socket: ByteSocket;
  readonly #options: WsConnectionOptions;
  /** Received bytes not yet parsed into a frame. */
  #pending: Buffer = Buffer.alloc(0);
  /** Fragments of a text message still coming. */
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #inMessage = false;
  #closeSent = false;
  /** The close code received, or sent first. */
  #closeCode: number | undefined;
  #gone = false;
  #closeTimer: TimerHandle | undefined;

  constructor(socket: Duplex | ByteSocket, head: Uint8Array, options: WsConnectionOptions) {
    this.#socket = toByteSocket(socket);
    this.#options = options;
    this.#socket.listen(
      (bytes) => this.#receive(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      () => this.#finish(),
    );
    // After the constructor returns, so the owner holds the connection before its first message arrives.
    if (head.byteLength > 0) queueMicrotask(() => this.#receive(Buffer.from(head)));
  }

  /** Bytes handed to the socket and not yet sent (a client that does not read makes it grow). */
  get bufferedAmount(): number {
    return this.#socket.bufferedBytes;
  }

  /** Whether the connection is still open for sending. */
  get open(): boolean {
    return !this.#closeSent && !this.#gone;
  }

  /** Sends a text message (one frame, one write); false when the connection is closing or gone. */
  send(text: string): boolean {
    if (!this.open) return false;
    const size = Buffer.byteLength(text);
    const headSize = size < 126 ? 2 : size < 65536 ? 4 : 10;
    const frame = Buffer.allocUnsafe(headSize + size);
    frame[0] = 0x81;
    if (size < 126) {
      frame[1] = size;
    } else if (size < 65536) {
      frame[1] = 126;
      frame.writeUInt16BE(size, 2);
    } else {
      frame[1] = 127;
      frame.writeUInt32BE(0, 2);
      frame.writeUInt32BE(size, 6);
    }
    frame.write(text, headSize, "utf8");
    this.#socket.write(frame);
    return true;
  }

  /** Starts the close handshake (or just closes when the socket is unusable); the peer's close ends it. */
  close(code = 1000, reason = ""): void {
    if (this.#gone) return;
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#closeCode ??= code;
      const text = Buffer.from(reason.slice(0, 100), "utf8");
      const payload = Buffer.allocUnsafe(2 + text.byteLength);
      payload.writeUInt16BE(code, 0);
      text.copy(payload, 2);
      this.#writeFrame(0x8, payload);
    }
    this.#socket.end();
    // A peer that never answers the close (or never closes its side) must not keep the socket.
    if (this.#closeTimer !== undefined) return;
    this.#closeTimer = laterUnref(() => this.#socket.destroy(), 2000);
  }

  #writeFrame(opcode: number, payload: Buffer): void {
    const head = Buffer.from([0x80 | opcode, payload.byteLength]);
    this.#socket.write(Buffer.concat([head, payload]));
  }

  #finish(): void {
    if (this.#gone) return;
    this.#gone = true;
    clearTimeout(this.#closeTimer);
    this.#socket.destroy();
    this.#options.onClose(this.#closeCode ?? 1006);
  }

  /** Closes with `code` for a protocol fault; always false (stop reading). */
  #fail(code: number): false {
    this.close(code);
    this.#pending = Buffer.alloc(0);
    return false;
  }

  #receive(chunk: Buffer): void {
    if (this.#gone) return;
    let buf = this.#pending.byteLength === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      if (buf.byteLength < 2) break;
      const b0 = buf[0]!;
      const b1 = buf[1]!;
      const opcode = b0 & 0x0f;
      const fin = (b0 & 0x80) !== 0;
      if ((b0 & 0x70) !== 0 || (b1 & 0x80) === 0) {
        this.#fail(1002); // extension bits (none negotiated), or an unmasked client frame
        return;
      }
      let size = b1 & 0x7f;
      let at = 2;
      if (size === 126) {
        if (buf.byteLength < 4) break;
        size = buf.readUInt16BE(2);
        at = 4;
      } else if (size === 127) {
        if (buf.byteLength < 10) break;
        if (buf.readUInt32BE(2) !== 0) {
          this.#fail(1009);
          return;
        }
        size = buf.readUInt32BE(6);
        at = 10;
      }
      if (opcode >= 0x8 && (!fin || size > 125)) {
        this.#fail(1002);
        return;
      }
      if (opcode < 0x8 && this.#fragmentBytes + size > this.#options.maxMessageBytes) {
        this.#fail(1009);
        return;
      }
      if (buf.byteLength < at + 4 + size) break;
      const mask = buf.subarray(at, at + 4);
      const payload = Buffer.from(buf.subarray(at + 4, at + 4 + size));
      for (let i = 0; i < size; i++) payload[i]! ^= mask[i & 3]!;
      buf = buf.subarray(at + 4 + size);
      if (!this.#frame(opcode, fin, payload) || this.#gone || this.#closeSent) {
        buf = Buffer.alloc(0);
        break;
      }
    }
    this.#pending = buf.byteLength === 0 ? Buffer.alloc(0) : Buffer.from(buf);
  }

  /** Handles one frame; false when the connection must stop reading. */
  #frame(opcode: number, fin: boolean, payload: Buffer): boolean {
    switch (opcode) {
      case 0x1:
      case 0x0: {
        if ((opcode === 0x1) === this.#inMessage) return this.#fail(1002); // continuation out of place
        if (!fin) {
          this.#inMessage = true;
          this.#fragments.push(payload);
          this.#fragmentBytes += payload.byteLength;
          return true;
        }
        const whole = this.#fragments.length === 0 ? payload : Buffer.concat([...this.#fragments, payload]);
        this.#inMessage = false;
        this.#fragments = [];
        this.#fragmentBytes = 0;
        let text: string;
        try {
          text = decoder.decode(whole);
        } catch {
          return this.#fail(1007);
        }
        this.#options.onText(text);
        return true;
      }
      case 0x2:
        return this.#fail(1003);
      case 0x8: {
        const code = payload.byteLength >= 2 ? payload.readUInt16BE(0) : 1005;
        this.#closeCode ??= code;
        if (!this.#closeSent) this.close(code === 1005 ? 1000 : code);
        else this.#socket.end();
        return false;
      }
      case 0x9:
        this.#writeFrame(0xa, payload);
        return true;
      case 0xa:
        return true;
      default:
        return this.#fail(1002);
    }
  }
}
