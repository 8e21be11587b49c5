/**
 * One HTTP/1.1 connection of the runtime-neutral server (`_http1_server.ts`): bytes in from the runtime's
 * socket, requests parsed and handed on one at a time (pipelined ones wait their turn, so answers keep
 * their order), answers written back through a {@linkcode Http1Transport}. The clock is the server's:
 * it calls {@linkcode Http1Connection.sweep} and the connection compares its deadlines.
 *
 * @module
 */

import { ChunkedDecoder } from "./_http1_chunked.ts";
import { parseHead, type RequestHead } from "./_http1_parser.ts";
import { type ByteSocket, type Http1Transport, transportByteSocket } from "./_http1_byte_socket.ts";
import type { WsConnection } from "./_ws_connection.ts";
import type { Http1Context } from "./_http1_server.ts";
import { concatBytes } from "./_bytes.ts";
import { BodyCutOffError } from "./_http_bridge.ts";
import { discardAnswer, isStream, writeAnswer } from "./_http1_write.ts";
import { KNOWN_METHODS } from "./_http1_answer.ts";
import { PREREAD_BYTES } from "./_preread.ts";
import type { RawAnswer } from "./server.ts";

/** Heads above this get a 431 (node:http's default `maxHeaderSize`). */
const MAX_HEAD_BYTES = 16 * 1024;
/** Unused bytes kept at most (pipelined requests behind a slow one; a body its reader does not take). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const EMPTY = new Uint8Array(0);

/**
 * A connection's parsing and dispatch state; the adapter feeds it bytes and tells it about the socket's end.
 *
 * @example
 * ```ts
 * declare const connection: Http1Connection;
 * connection.receive(new TextEncoder().encode("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
 * ```
 */
export class Http1Connection {
  readonly #ctx: Http1Context;
  readonly #io: Http1Transport;
  /** Received bytes not yet used (owned: never a view of the adapter's read buffer). */
  #buf: Uint8Array = EMPTY;
  /** A request was handed on and its answer is not fully written yet. */
  #busy = false;
  /** The head of the answer in progress is out (a 408 can no longer be sent). */
  #answering = false;
  /** Where the search for the end of the head resumes (bytes before it hold none). */
  #scanned = 0;
  #bodyLeft = 0;
  #chunks: ChunkedDecoder | undefined;
  #readingBody = false;
  #preread: Uint8Array[] | undefined;
  #prereadHead: RequestHead | undefined;
  #stream: ReadableStreamDefaultController<Uint8Array> | undefined;
  #headDeadline = 0;
  #bodyDeadline = 0;
  #idleDeadline = 0;
  /** Nothing more is read (refused, timed out, or closing after this answer). */
  #stopped = false;
  #peerEnded = false;
  #gone = false;
  #cancelAnswer: (() => void) | undefined;
  #ws: { data: (bytes: Uint8Array) => void; close: () => void } | undefined;
  /** The WebSocket that took the connection over. */
  #socket: WsConnection | undefined;

  constructor(ctx: Http1Context, io: Http1Transport) {
    this.#ctx = ctx;
    this.#io = io;
    this.#startRequest();
  }

  /**
   * The server is closing: a WebSocket gets a close frame (1001), an idle connection (or one still sending
   * its head) is closed at once, a request in progress is answered, then the connection closed.
   */
  shutdown(): void {
    if (this.#socket !== undefined) this.#socket.serverClosing();
    else if (!this.#busy) this.#io.destroy();
  }

  /** New bytes from the socket (a view the caller may reuse once this returns). */
  receive(bytes: Uint8Array): void {
    if (this.#gone) return;
    if (this.#ws !== undefined) return this.#ws.data(bytes);
    if (this.#stopped) return;
    if (this.#idleDeadline !== 0) this.#startRequest();
    this.#buf = this.#buf.length === 0 ? bytes.slice() : concatBytes([this.#buf, bytes]);
    this.#pump();
    // A client that sends far ahead of what is served is cut rather than buffered for.
    if (this.#buf.length > MAX_BUFFERED_BYTES || (this.#stream?.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) {
      this.#io.destroy();
    }
  }

  /** The peer finished sending (its half of the connection is closed). */
  ended(): void {
    if (this.#gone || this.#peerEnded) return;
    this.#peerEnded = true;
    if (this.#ws !== undefined) return this.#io.end();
    // A stream in progress: its reader went away (as node:http takes it too).
    if (this.#cancelAnswer !== undefined) return this.#io.destroy();
    if (this.#readingBody) this.#cutBody();
    if (!this.#busy) this.#io.end();
  }

  /** The socket is closed (by either side, or broken): stops whatever still runs for it. */
  gone(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#stopped = true;
    if (this.#readingBody) this.#cutBody();
    this.#cancelAnswer?.();
    this.#ws?.close();
    this.#ctx.forget(this);
  }

  /** Closes the connection at once. */
  destroy(): void {
    this.#io.destroy();
  }

  /** Compares the deadlines with `now`: 408 and close for a request not received in time, close when idle. */
  sweep(now: number): void {
    if (this.#gone) return;
    if (this.#idleDeadline !== 0 && now >= this.#idleDeadline) return this.#io.destroy();
    if (
      (this.#headDeadline !== 0 && now >= this.#headDeadline) ||
      (this.#bodyDeadline !== 0 && now >= this.#bodyDeadline)
    ) {
      this.#ctx.timedOut();
      this.#refuse(408);
    }
  }

  #startRequest(): void {
    const now = this.#ctx.now();
    this.#idleDeadline = 0;
    this.#headDeadline = now + this.#ctx.limits.headerTimeoutMs;
    this.#bodyDeadline = now + this.#ctx.limits.bodyTimeoutMs;
  }

  #pump(): void {
    while (!this.#stopped) {
      if (this.#readingBody) {
        if (!this.#feedBody()) return;
        continue;
      }
      if (this.#busy || this.#buf.length === 0) return;
      const head = parseHead(this.#buf, MAX_HEAD_BYTES, this.#scanned);
      if (head === undefined) return void (this.#scanned = Math.max(0, this.#buf.length - 3));
      this.#scanned = 0;
      if (typeof head === "string") return this.#refuse(head === "too-large" ? 431 : 400);
      if (!KNOWN_METHODS.has(head.method)) return this.#refuse(501);
      this.#buf = this.#buf.subarray(head.size);
      this.#headDeadline = 0;
      this.#begin(head);
    }
  }

  #begin(head: RequestHead): void {
    this.#busy = true;
    const hasBody = head.chunked || head.contentLength > 0;
    if (!hasBody) this.#bodyDeadline = 0;
    if (head.upgrade) return void this.#upgrade(head).catch(() => this.#io.destroy());
    if (!hasBody) return this.#run(head, undefined);
    if (head.expectContinue && head.minor === 1) this.#io.write("HTTP/1.1 100 Continue\r\n\r\n");
    this.#readingBody = true;
    if (head.chunked) this.#chunks = new ChunkedDecoder();
    else this.#bodyLeft = head.contentLength;
    if (!head.chunked && head.contentLength <= PREREAD_BYTES) {
      this.#preread = [];
      this.#prereadHead = head;
      return;
    }
    const body = new ReadableStream<Uint8Array>(
      { start: (c) => void (this.#stream = c) },
      { highWaterMark: 0, size: (chunk) => chunk.byteLength },
    );
    this.#run(head, body);
  }

  /** Uses the body bytes at hand; true once the body is complete. */
  #feedBody(): boolean {
    const buf = this.#buf;
    if (this.#chunks !== undefined) {
      const used = this.#chunks.feed(buf, (data) => this.#bodyData(data));
      if (used < 0) {
        this.#refuse(400);
        return false;
      }
      this.#buf = buf.subarray(used);
      if (!this.#chunks.done) return false;
      this.#chunks = undefined;
    } else {
      const take = Math.min(this.#bodyLeft, buf.length);
      if (take > 0) this.#bodyData(buf.subarray(0, take));
      this.#buf = buf.subarray(take);
      this.#bodyLeft -= take;
      if (this.#bodyLeft > 0) return false;
    }
    this.#readingBody = false;
    this.#bodyDeadline = 0;
    if (this.#preread !== undefined) {
      const body = concatBytes(this.#preread);
      const head = this.#prereadHead!;
      this.#preread = this.#prereadHead = undefined;
      this.#run(head, body);
    } else {
      this.#stream?.close();
      this.#stream = undefined;
    }
    return true;
  }

  #bodyData(data: Uint8Array): void {
    if (this.#preread !== undefined) this.#preread.push(data);
    else this.#stream?.enqueue(data);
  }

  /** The body will not come whole: the handler's read of it fails (`BodyCutOffError`). */
  #cutBody(): void {
    this.#readingBody = false;
    this.#chunks = undefined;
    this.#bodyDeadline = 0;
    if (this.#preread !== undefined) {
      const head = this.#prereadHead!;
      this.#preread = this.#prereadHead = undefined;
      this.#run(head, new ReadableStream({ start: (c) => c.error(new BodyCutOffError()) }));
    } else {
      this.#stream?.error(new BodyCutOffError());
      this.#stream = undefined;
    }
  }

  /** Answers what cannot be served (400, 408, 431, 501) with JSON and closes; nothing more is read. */
  #refuse(status: 400 | 408 | 431 | 501): void {
    this.#stopped = true;
    this.#headDeadline = this.#bodyDeadline = this.#idleDeadline = 0;
    if (this.#readingBody) this.#cutBody();
    if (this.#answering) return this.#io.destroy();
    this.#answering = true;
    this.#ctx.writeRefusal(this.#io, status);
  }

  /**
   * Serves one request: through the raw lane when it takes it (its answer is written as soon as it replies,
   * in the turn the exchange answers), otherwise through the app. A fault of this server's own closes the
   * connection (never an unhandled rejection).
   */
  #run(head: RequestHead, body: Uint8Array | ReadableStream<Uint8Array> | undefined): void {
    if (!(body instanceof ReadableStream)) {
      let replied = false;
      const reply = (answer: Response | RawAnswer) => {
        if (replied) return void discardAnswer(answer);
        replied = true;
        this.#answer(head, answer).catch(() => this.#io.destroy());
      };
      if (this.#ctx.answerRaw(head, body, reply)) return;
    }
    this.#serve(head, body).catch(() => this.#io.destroy());
  }

  async #serve(head: RequestHead, body: Uint8Array | ReadableStream<Uint8Array> | undefined): Promise<void> {
    await this.#answer(head, await this.#ctx.handle(head, body));
  }

  /** Writes the answer to `head` (a document at once, a stream as it comes), then reads the next request. */
  async #answer(head: RequestHead, answer: Response | RawAnswer): Promise<void> {
    if (this.#gone || this.#answering) return void discardAnswer(answer);
    // An unread body (a refusal before reading it): close rather than read and discard the rest.
    const close = this.#ctx.closing || !head.keepAlive || this.#readingBody || this.#stopped ||
      (head.minor === 0 && isStream(answer));
    if (close) this.#stopped = true;
    this.#answering = true;
    const keepAliveS = close ? 0 : Math.max(1, Math.floor(this.#ctx.limits.keepAliveTimeoutMs / 1000));
    const written = await writeAnswer(this.#io, answer, {
      head: head.method === "HEAD",
      chunked: head.minor === 1,
      keepAliveS,
      onCancel: (cancel) => void (this.#cancelAnswer = cancel),
    });
    this.#cancelAnswer = undefined;
    this.#answering = false;
    this.#busy = false;
    if (this.#gone) return;
    if (!written || close || this.#ctx.closing) return this.#io.end();
    if (this.#buf.length > 0) {
      this.#startRequest();
      this.#pump();
    } else if (this.#peerEnded) {
      this.#io.end();
    } else {
      this.#idleDeadline = this.#ctx.now() + this.#ctx.limits.keepAliveTimeoutMs;
    }
  }

  async #upgrade(head: RequestHead): Promise<void> {
    const leftover = this.#buf;
    this.#buf = EMPTY;
    this.#stopped = true;
    const accepted = await this.#ctx.upgrade(head, leftover, this.#byteSocket(), (ws) => this.#socket = ws);
    if (!accepted) this.#io.end();
  }

  /** This connection as the byte stream a WebSocket takes over. */
  #byteSocket(): ByteSocket {
    return transportByteSocket(this.#io, (onData, onClose) => {
      this.#ws = { data: onData, close: onClose };
      if (this.#gone) queueMicrotask(onClose);
    });
  }
}
