/**
 * A raw WebSocket client on node:net for frame-level tests (fragmentation, lengths, masking, binary frames,
 * oversize messages) and for a peer that never answers pings.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { within } from "./_helpers.ts";

/** A server frame. */
export interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Builds a client frame (masked unless `mask` is false). */
export function clientFrame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; mask?: boolean; rsv?: number } = {},
): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const mask = options.mask ?? true;
  const len = body.length;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const out = Buffer.alloc(head + (mask ? 4 : 0) + len);
  out[0] = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv ?? 0) | opcode;
  out[1] = (mask ? 0x80 : 0) | (len < 126 ? len : len < 65_536 ? 126 : 127);
  if (head === 4) out.writeUInt16BE(len, 2);
  if (head === 10) {
    out.writeUInt32BE(Math.floor(len / 2 ** 32), 2);
    out.writeUInt32BE(len >>> 0, 6);
  }
  if (!mask) {
    body.copy(out, head);
    return out;
  }
  const key = randomBytes(4);
  key.copy(out, head);
  for (let i = 0; i < len; i++) out[head + 4 + i] = body[i]! ^ key[i & 3]!;
  return out;
}

/** A connected raw client. */
export class RawClient {
  readonly socket: net.Socket;
  readonly frames: Frame[] = [];
  readonly ended: Promise<void>;
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | undefined;

  private constructor(socket: net.Socket, rest: Buffer) {
    this.socket = socket;
    this.ended = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("data", (chunk: Buffer) => this.#push(chunk));
    socket.on("close", () => this.#wake?.());
    if (rest.length > 0) this.#push(rest);
  }

  /** Connects and completes the handshake; resolves with the client and the response head. */
  static async connect(
    port: number,
    path = "/ws-fapi/v1",
  ): Promise<{ client: RawClient; head: string; key: string }> {
    const socket = net.connect(port, "127.0.0.1");
    socket.setNoDelay(true);
    socket.on("error", () => {});
    await within(new Promise<void>((resolve) => socket.once("connect", () => resolve())), 5_000, "connect");
    const key = randomBytes(16).toString("base64");
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const { head, rest } = await within(readHead(socket), 5_000, "handshake");
    return { client: new RawClient(socket, rest), head, key };
  }

  /** The expected Sec-WebSocket-Accept for `key`. */
  static accept(key: string): string {
    return createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  }

  /** Writes bytes. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next frame matching `predicate` (bounded); undefined if the socket closed first. */
  async next(predicate: (f: Frame) => boolean = () => true, ms = 5_000): Promise<Frame | undefined> {
    const deadline = Date.now() + ms;
    for (;;) {
      const index = this.frames.findIndex(predicate);
      if (index >= 0) return this.frames.splice(index, 1)[0];
      if (this.socket.destroyed || this.socket.readableEnded) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a frame");
      await within(new Promise<void>((resolve) => (this.#wake = resolve)), left, "frame").catch(() => {});
    }
  }

  /** Destroys the socket. */
  destroy(): void {
    this.socket.destroy();
  }

  #push(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#buffer.length < 2) break;
      let len = this.#buffer[1]! & 0x7f;
      let head = 2;
      if (len === 126) {
        if (this.#buffer.length < 4) break;
        len = this.#buffer.readUInt16BE(2);
        head = 4;
      } else if (len === 127) {
        if (this.#buffer.length < 10) break;
        len = this.#buffer.readUInt32BE(6);
        head = 10;
      }
      if (this.#buffer.length < head + len) break;
      const b0 = this.#buffer[0]!;
      this.frames.push({
        fin: (b0 & 0x80) !== 0,
        opcode: b0 & 0x0f,
        payload: Buffer.from(this.#buffer.subarray(head, head + len)),
      });
      this.#buffer = this.#buffer.subarray(head + len);
    }
    this.#wake?.();
  }
}

function readHead(socket: net.Socket): Promise<{ head: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      resolve({ head: data.subarray(0, end).toString("latin1"), rest: data.subarray(end + 4) });
    };
    socket.on("data", onData);
    socket.once("close", () => reject(new Error(`closed during handshake: ${data.toString("latin1")}`)));
  });
}

/** Sends a raw HTTP request and returns the full response text. */
export async function rawHttp(port: number, request: string): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => {});
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
  const done = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(request);
  await within(done, 5_000, "http response");
  return data;
}
