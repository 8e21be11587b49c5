/**
 * RFC 6455 framing for the server side: encoding unmasked frames, and an incremental reader for masked client
 * frames that copes with partial TCP reads, fragmentation and control frames interleaved with fragments.
 *
 * @module
 */

import { Buffer } from "node:buffer";

/** Continuation frame. */
export const OP_CONTINUATION = 0x0;
/** Text frame. */
export const OP_TEXT = 0x1;
/** Binary frame. */
export const OP_BINARY = 0x2;
/** Close frame. */
export const OP_CLOSE = 0x8;
/** Ping frame. */
export const OP_PING = 0x9;
/** Pong frame. */
export const OP_PONG = 0xa;

/**
 * One unmasked, final frame with `payload` (a string is written as UTF-8), in a single allocation so it
 * reaches the socket in one write.
 *
 * @example
 * ```ts
 * encodeFrame(OP_TEXT, '{"id":1}'); // <Buffer 81 08 7b ...>
 * ```
 */
export function encodeFrame(opcode: number, payload: Uint8Array | string): Buffer {
  const length = typeof payload === "string" ? Buffer.byteLength(payload) : payload.length;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + length);
  out[0] = 0x80 | opcode;
  if (length < 126) {
    out[1] = length;
  } else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (typeof payload === "string") out.write(payload, head, "utf8");
  else out.set(payload, head);
  return out;
}

/**
 * A close frame carrying `code` and a UTF-8 `reason` (cut to fit the 125-byte control-frame limit).
 *
 * @example
 * ```ts
 * encodeClose(1009, "message too big");
 * ```
 */
export function encodeClose(code: number, reason = ""): Buffer {
  const text = Buffer.from(reason, "utf8").subarray(0, 123);
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  payload.set(text, 2);
  return encodeFrame(OP_CLOSE, payload);
}

/** What the reader reports, in arrival order. */
export interface FrameEvents {
  /** A complete text message (fragments joined), valid UTF-8. */
  text(data: string): void;
  /** A complete binary message (fragments joined); its bytes are not interpreted. */
  binary(payload: Buffer): void;
  /** A ping; the payload is a copy. */
  ping(payload: Buffer): void;
  /** A pong; the payload is a copy. */
  pong(payload: Buffer): void;
  /** The peer's close frame: its code (undefined when it sent none) and reason. */
  close(code: number | undefined, reason: string): void;
  /** A protocol violation: the connection must be closed with `code`. No further events follow. */
  fail(code: number, reason: string): void;
}

/**
 * Incremental parser of client frames. Bytes that do not yet form a whole frame are kept until the next
 * `push`; lengths are checked against the message limit from the header alone, so an oversized message is
 * refused before its payload is buffered.
 *
 * @example
 * ```ts
 * import type { Buffer } from "node:buffer";
 * import type { Socket } from "node:net";
 * declare const events: FrameEvents;
 * declare const socket: Socket; // no encoding set: chunks are Buffers
 * const reader = new FrameReader(events, 1 << 20);
 * socket.on("data", (chunk: Buffer) => reader.push(chunk));
 * ```
 */
export class FrameReader {
  readonly #events: FrameEvents;
  readonly #maxMessage: number;
  #pending: Buffer | undefined;
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #fragmented = false;
  /** The fragmented message in progress is binary (else text). */
  #fragmentBinary = false;
  #failed = false;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true });

  /**
   * @example
   * ```ts
   * declare const events: FrameEvents;
   * new FrameReader(events, 1_048_576);
   * ```
   */
  constructor(events: FrameEvents, maxMessageBytes: number) {
    this.#events = events;
    this.#maxMessage = maxMessageBytes;
  }

  /** Feeds bytes read from the socket. */
  push(chunk: Buffer): void {
    if (this.#failed) return;
    const data = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    let offset = 0;
    while (!this.#failed) {
      const available = data.length - offset;
      if (available < 2) break;
      const b0 = data[offset]!;
      const b1 = data[offset + 1]!;
      const opcode = b0 & 0x0f;
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (available < 4) break;
        length = data.readUInt16BE(offset + 2);
        head = 4;
      } else if (length === 127) {
        if (available < 10) break;
        const high = data.readUInt32BE(offset + 2);
        length = high > 0x1f_ffff ? Number.MAX_SAFE_INTEGER : high * 2 ** 32 + data.readUInt32BE(offset + 6);
        head = 10;
      }
      if ((b0 & 0x70) !== 0) return this.#fail(1002, "reserved bits set");
      if ((b1 & 0x80) === 0) return this.#fail(1002, "client frames must be masked");
      if (opcode >= 0x8) {
        if ((b0 & 0x80) === 0 || length > 125) return this.#fail(1002, "bad control frame");
      } else if (length + this.#fragmentBytes > this.#maxMessage) {
        return this.#fail(1009, "message too big");
      }
      if (available < head + 4 + length) break;
      const maskAt = offset + head;
      const start = maskAt + 4;
      const payload = data.subarray(start, start + length);
      const m0 = data[maskAt]!, m1 = data[maskAt + 1]!, m2 = data[maskAt + 2]!, m3 = data[maskAt + 3]!;
      for (let i = 0; i + 3 < length; i += 4) {
        payload[i] = payload[i]! ^ m0;
        payload[i + 1] = payload[i + 1]! ^ m1;
        payload[i + 2] = payload[i + 2]! ^ m2;
        payload[i + 3] = payload[i + 3]! ^ m3;
      }
      for (let i = length & ~3; i < length; i++) {
        payload[i] = payload[i]! ^ data[maskAt + (i & 3)]!;
      }
      offset = start + length;
      this.#frame((b0 & 0x80) !== 0, opcode, payload);
    }
    if (!this.#failed && offset < data.length) this.#pending = Buffer.from(data.subarray(offset));
  }

  #frame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        if (this.#fragmented) return this.#fail(1002, "expected a continuation frame");
        if (fin) {
          return opcode === OP_TEXT ? this.#deliver(payload) : this.#events.binary(Buffer.from(payload));
        }
        this.#fragmented = true;
        this.#fragmentBinary = opcode === OP_BINARY;
        this.#fragments = [payload];
        this.#fragmentBytes = payload.length;
        return;
      case OP_CONTINUATION:
        if (!this.#fragmented) return this.#fail(1002, "continuation without a message");
        this.#fragments.push(payload);
        this.#fragmentBytes += payload.length;
        if (!fin) return;
        {
          const whole = Buffer.concat(this.#fragments, this.#fragmentBytes);
          this.#fragmented = false;
          this.#fragments = [];
          this.#fragmentBytes = 0;
          if (this.#fragmentBinary) this.#events.binary(whole);
          else this.#deliver(whole);
        }
        return;
      case OP_PING:
        return this.#events.ping(Buffer.from(payload));
      case OP_PONG:
        return this.#events.pong(Buffer.from(payload));
      case OP_CLOSE: {
        if (payload.length === 1) return this.#fail(1002, "bad close payload");
        const code = payload.length >= 2 ? payload.readUInt16BE(0) : undefined;
        let reason = "";
        try {
          reason = this.#decoder.decode(payload.subarray(2));
        } catch {
          return this.#fail(1007, "invalid UTF-8 in close reason");
        }
        this.#failed = true; // nothing after a close frame is read
        return this.#events.close(code, reason);
      }
      default:
        return this.#fail(1002, "unknown opcode");
    }
  }

  #deliver(payload: Buffer): void {
    let text: string;
    try {
      text = this.#decoder.decode(payload);
    } catch {
      return this.#fail(1007, "invalid UTF-8");
    }
    this.#events.text(text);
  }

  #fail(code: number, reason: string): void {
    this.#failed = true;
    this.#pending = undefined;
    this.#fragments = [];
    this.#events.fail(code, reason);
  }
}
