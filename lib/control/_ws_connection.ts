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

import type { Duplex } from "node:stream";
import { type ByteSocket, toByteSocket } from "./_http1_byte_socket.ts";
import { laterUnref, type TimerHandle } from "../_timers.ts";
import { sha1Base64 } from "./_sha1.ts";
import { pooledBytes } from "./_byte_pool.ts";
import { concatBytes, isAscii, latin1 } from "./_bytes.ts";

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
  /**
   * The server is stopping ({@linkcode WsConnection.serverClosing}): called instead of closing at once, with
   * the function that closes (1001) once the connection's work is done, e.g. its answers sent. Without it the
   * connection is closed at once.
   */
  onServerClosing?: (close: () => void) => void;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
/**
 * Where `send` encodes a message before framing it (any message of up to 21,845 chars; a longer one is
 * encoded on its own). Frames are plain `Uint8Array`s cut from the write pool (`_byte_pool.ts`), encoded by
 * the runtime: through `node:buffer`, which is JavaScript on Deno, a place message in and its answer out cost
 * 2.7–3.8 µs there, 0.8–1.0 µs now (bench/README.md, ninth round).
 */
const sendScratch = new Uint8Array(64 * 1024);
/** Where a received message is unmasked, to be decoded at once (a longer one gets an array of its own). */
const receiveScratch = new Uint8Array(16 * 1024);

/**
 * One accepted WebSocket connection (the 101 answer already sent).
 *
 * @example
 * ```ts
 * import type { Duplex } from "node:stream";
 * declare const socket: Duplex;
 * const ws = new WsConnection(socket, new Uint8Array(0), {
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
  #pending: Uint8Array = EMPTY;
  /** Fragments of a text message still coming. */
  #fragments: Uint8Array[] = [];
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
      (bytes) => this.#receive(bytes),
      () => this.#finish(),
    );
    // After the constructor returns, so the owner holds the connection before its first message arrives.
    if (head.byteLength > 0) {
      const early = head.slice();
      queueMicrotask(() => this.#receive(early));
    }
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
    const long = text.length * 3 > sendScratch.byteLength;
    const bytes = long ? encoder.encode(text) : sendScratch;
    const size = long ? bytes.byteLength : encoder.encodeInto(text, sendScratch).written;
    const headSize = size < 126 ? 2 : size < 65536 ? 4 : 10;
    const frame = pooledBytes(headSize + size);
    frame[0] = 0x81;
    if (size < 126) {
      frame[1] = size;
    } else if (size < 65536) {
      frame[1] = 126;
      frame[2] = size >>> 8;
      frame[3] = size & 0xff;
    } else {
      frame[1] = 127;
      frame.fill(0, 2, 6); // the length's high half: no message reaches 2^32 bytes
      frame[6] = size >>> 24;
      frame[7] = (size >>> 16) & 0xff;
      frame[8] = (size >>> 8) & 0xff;
      frame[9] = size & 0xff;
    }
    frame.set(long ? bytes : bytes.subarray(0, size), headSize);
    this.#socket.write(frame);
    return true;
  }

  /** The server is stopping: closes with 1001, at once or when the owner says (`onServerClosing`). */
  serverClosing(): void {
    const close = () => this.close(1001, "server closing");
    if (this.#options.onServerClosing === undefined) return close();
    this.#options.onServerClosing(close);
  }

  /** Starts the close handshake (or just closes when the socket is unusable); the peer's close ends it. */
  close(code = 1000, reason = ""): void {
    if (this.#gone) return;
    if (!this.#closeSent) {
      this.#closeSent = true;
      this.#closeCode ??= code;
      const text = encoder.encode(reason.slice(0, 100));
      const payload = new Uint8Array(2 + text.byteLength);
      payload[0] = code >>> 8;
      payload[1] = code & 0xff;
      payload.set(text, 2);
      this.#writeFrame(0x8, payload);
    }
    this.#socket.end();
    // A peer that never answers the close (or never closes its side) must not keep the socket.
    if (this.#closeTimer !== undefined) return;
    this.#closeTimer = laterUnref(() => this.#socket.destroy(), 2000);
  }

  #writeFrame(opcode: number, payload: Uint8Array): void {
    const frame = new Uint8Array(2 + payload.byteLength);
    frame[0] = 0x80 | opcode;
    frame[1] = payload.byteLength;
    frame.set(payload, 2);
    this.#socket.write(frame);
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
    this.#pending = EMPTY;
    return false;
  }

  /** Parses the frames in `chunk` (valid during the call only: what is kept is copied). */
  #receive(chunk: Uint8Array): void {
    if (this.#gone) return;
    let buf = this.#pending.byteLength === 0 ? chunk : concatBytes([this.#pending, chunk]);
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
        size = (buf[2]! << 8) | buf[3]!;
        at = 4;
      } else if (size === 127) {
        if (buf.byteLength < 10) break;
        if ((buf[2]! | buf[3]! | buf[4]! | buf[5]!) !== 0) {
          this.#fail(1009);
          return;
        }
        size = buf[6]! * 0x1000000 + ((buf[7]! << 16) | (buf[8]! << 8) | buf[9]!);
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
      const m0 = buf[at]!, m1 = buf[at + 1]!, m2 = buf[at + 2]!, m3 = buf[at + 3]!;
      // A message's single frame is unmasked into the scratch array and decoded there; a fragment, or a
      // control frame's payload, gets an array of its own (it is kept, or handed on).
      const own = !fin || opcode >= 0x8 || this.#inMessage || size > receiveScratch.byteLength;
      const payload = own ? new Uint8Array(size) : receiveScratch.subarray(0, size);
      const from = at + 4;
      let i = 0;
      for (; i + 3 < size; i += 4) {
        payload[i] = buf[from + i]! ^ m0;
        payload[i + 1] = buf[from + i + 1]! ^ m1;
        payload[i + 2] = buf[from + i + 2]! ^ m2;
        payload[i + 3] = buf[from + i + 3]! ^ m3;
      }
      for (; i < size; i++) payload[i] = buf[from + i]! ^ buf[at + (i & 3)]!;
      buf = buf.subarray(at + 4 + size);
      if (!this.#frame(opcode, fin, payload) || this.#gone || this.#closeSent) {
        buf = EMPTY;
        break;
      }
    }
    this.#pending = buf.byteLength === 0 ? EMPTY : buf.slice();
  }

  /** Handles one frame; false when the connection must stop reading. */
  #frame(opcode: number, fin: boolean, payload: Uint8Array): boolean {
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
        const whole = this.#fragments.length === 0 ? payload : concatBytes([...this.#fragments, payload]);
        this.#inMessage = false;
        this.#fragments = [];
        this.#fragmentBytes = 0;
        let text: string;
        // A message of ASCII bytes (every order message) is its Latin-1 text: no call into the decoder.
        if (isAscii(whole, 0, whole.byteLength)) text = latin1(whole, 0, whole.byteLength);
        else {
          try {
            text = decoder.decode(whole);
          } catch {
            return this.#fail(1007);
          }
        }
        this.#options.onText(text);
        return true;
      }
      case 0x2:
        return this.#fail(1003);
      case 0x8: {
        const code = payload.byteLength >= 2 ? (payload[0]! << 8) | payload[1]! : 1005;
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
